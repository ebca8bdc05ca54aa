package org.fsqspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "prior", mixinStandardHelpOptions = true,
    description = {
        "A masked-transformer prior over token grids: train it on a token table, sample from it.",
        "The prior is what 'fsq stats --prior' codes tokens with to measure the FSQ paper's compression cost."},
    subcommands = {PriorTrainCommand.class, PriorSampleCommand.class, CommandLine.HelpCommand.class})
final class PriorCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
  }
}
