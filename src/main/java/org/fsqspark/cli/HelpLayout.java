package org.fsqspark.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Help text wrapped at spaces only. Picocli's wrapping also breaks after dots and hyphens, which cut settings
 * such as {@code spark.hadoop.fs.s3a.endpoint} in two where a reader copies them from.
 */
final class HelpLayout {
  private static final int NAME_COLUMN = 30;

  private HelpLayout() {}

  /** Replaces the description and option list sections of {@code commandLine} and its subcommands. */
  static void install(CommandLine commandLine) {
    commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
        HelpLayout::description);
    commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
        HelpLayout::optionList);
    commandLine.getSubcommands().values().forEach(HelpLayout::install);
  }

  private static String description(Help help) {
    StringBuilder text = new StringBuilder();
    int width = help.commandSpec().usageMessage().width();
    for (String paragraph : help.commandSpec().usageMessage().description()) {
      // Leading spaces indent a paragraph (and its continuation lines), as in tokenize's list of outputs.
      int indent = paragraph.length() - paragraph.stripLeading().length();
      if (paragraph.length() <= width) {
        text.append(paragraph).append('\n');
      } else {
        text.append(" ".repeat(indent));
        wrap(paragraph.strip(), width, indent, indent, text);
      }
    }
    return text.toString();
  }

  private static String optionList(Help help) {
    int width = help.commandSpec().usageMessage().width();
    Help.IOptionRenderer renderer = help.createDefaultOptionRenderer();
    Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
    StringBuilder text = new StringBuilder();
    for (OptionSpec option : help.commandSpec().options()) {
      if (option.hidden()) {
        continue;
      }
      Help.Ansi.Text[][] rows = renderer.render(option, labels, help.colorScheme());
      String name = "  " + String.join(", ", option.names())
          + labels.renderParameterLabel(option, Help.Ansi.OFF, List.of()).plainString();
      List<String> description = new ArrayList<>();
      for (Help.Ansi.Text[] row : rows) {
        String line = row[row.length - 1].plainString().strip();
        if (!line.isEmpty()) {
          description.add(line);
        }
      }
      String shownName = name;
      text.append(shownName);
      int first;
      if (shownName.length() + 2 > NAME_COLUMN) {
        text.append('\n');
        first = 0;
      } else {
        first = shownName.length();
      }
      wrap(String.join(" ", description), width, NAME_COLUMN, first, text);
    }
    return text.toString();
  }

  /**
   * Appends {@code paragraph} wrapped at spaces to {@code width}, every line indented by {@code indent}; the
   * first line continues after {@code used} characters already written on it. A word longer than a line stays
   * whole.
   */
  private static void wrap(String paragraph, int width, int indent, int used, StringBuilder text) {
    int column = used;
    boolean lineHasWord = false;
    if (column < indent) {
      text.append(" ".repeat(indent - column));
      column = indent;
    }
    for (String word : paragraph.split(" +")) {
      if (word.isEmpty()) {
        continue;
      }
      if (lineHasWord && column + 1 + word.length() > width) {
        text.append('\n').append(" ".repeat(indent));
        column = indent;
        lineHasWord = false;
      }
      if (lineHasWord) {
        text.append(' ');
        column++;
      }
      text.append(word);
      column += word.length();
      lineHasWord = true;
    }
    text.append('\n');
  }
}
