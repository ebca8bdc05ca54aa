package org.fsqspark.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code jobs/fsq} and of {@code spark-submit --class org.fsqspark.cli.Main}. */
@Command(
    name = "fsq",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Finite Scalar Quantization image tokenization and token statistics on Apache Spark.",
        "",
        "Run a command with --help for its options. Spark jobs run embedded on local[*] unless "
            + "SPARK_HOME is set (then jobs/fsq uses spark-submit) or --master / --profile says otherwise."},
    subcommands = {
        LevelsCommand.class,
        CodebookCommand.class,
        QuantizeCommand.class,
        TokenizeCommand.class,
        StatsCommand.class,
        TrainCommand.class,
        DecodeCommand.class,
        SamplesCommand.class,
        PriorCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    // Under spark-submit, returning lets Spark shut down cleanly; the embedded launcher must not wait on
    // non-daemon engine threads, and any failure must reach the shell as a non-zero exit code.
    if (code != 0 || Boolean.getBoolean("fsq.embedded")) {
      System.exit(code);
    }
  }

  /** Runs a command line and returns its exit code; what tests call instead of {@link #main}. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setUsageHelpAutoWidth(true);
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    return commandLine.execute(args);
  }

  /** Prints one actionable line for a failure; the stack trace only with FSQ_DEBUG=1. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine,
        CommandLine.ParseResult parseResult) {
      Throwable cause = Errors.rootCause(exception);
      PrintWriter err = commandLine.getErr();
      // The qualified name ("fsq prior train") says which subcommand failed; for top-level ones it is "fsq X".
      err.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + Errors.describe(cause));
      if ("1".equals(System.getenv("FSQ_DEBUG"))) {
        exception.printStackTrace(err);
      } else if (!(cause instanceof IllegalArgumentException)) {
        err.println("(set FSQ_DEBUG=1 for the stack trace)");
      }
      err.flush();
      return cause instanceof IllegalArgumentException ? 2 : 1;
    }
  }

  /** Reads the version from the jar manifest when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fsq-spark " + (version == null ? "(development build)" : version)};
    }
  }
}
