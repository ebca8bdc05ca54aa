package org.fsqspark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.fsqspark.model.EnginePreload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
            + "SPARK_HOME is set (then jobs/fsq uses spark-submit) or --master / --profile says otherwise."})
public final class Main implements Runnable {
  /**
   * The commands, in the order help lists them. Built when needed: picocli reads every command's annotations
   * through reflection, about 0.2 s of a cold start for all of them, so a command line that names one gets only
   * that one.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    commands.put("levels", LevelsCommand::new);
    commands.put("codebook", CodebookCommand::new);
    commands.put("quantize", QuantizeCommand::new);
    commands.put("tokenize", TokenizeCommand::new);
    commands.put("stats", StatsCommand::new);
    commands.put("train", TrainCommand::new);
    commands.put("decode", DecodeCommand::new);
    commands.put("samples", SamplesCommand::new);
    commands.put("prior", PriorCommand::new);
    commands.put("export", ExportCommand::new);
    return Collections.unmodifiableMap(commands);
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // `fsq` alone is a mistake, not a request for help: say so in one line and exit non-zero.
    throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
  }

  public static void main(String[] args) {
    RunLog.prepare();
    PrintWriter out = new PrintWriter(Redaction.writer(new java.io.OutputStreamWriter(System.out,
        java.nio.charset.Charset.defaultCharset())), true);
    PrintWriter err = new PrintWriter(Redaction.writer(new java.io.OutputStreamWriter(System.err,
        java.nio.charset.Charset.defaultCharset())), true);
    int code = preloadsEngine(args) ? executeWithPreload(args, out, err) : execute(args, out, err);
    // Under spark-submit, returning lets Spark shut down cleanly; the embedded launcher must not wait on
    // non-daemon engine threads, and any failure must reach the shell as a non-zero exit code.
    if (code != 0 || Boolean.getBoolean("fsq.embedded")) {
      ProcessExit.exit(code);
    }
  }

  /**
   * A tokenize run's start, on two threads: a helper builds the command line's model (picocli's reflection, about
   * 0.3 s) and then loads libtorch ({@link EnginePreload}, 0.4-0.6 s) while this thread starts logging (about
   * 0.2 s) and then parses and runs the command. The load waits for logging: DJL's loader logs, and log4j hands
   * a second thread its context while the first still reads the configuration, so a line logged then would reach
   * the console in log4j's default layout.
   */
  private static int executeWithPreload(String[] args, PrintWriter out, PrintWriter err) {
    java.util.concurrent.CountDownLatch logging = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<CommandLine> model = new java.util.concurrent.CompletableFuture<>();
    Thread helper = new Thread(() -> {
      try {
        model.complete(commandLine(args, out, err));
      } catch (RuntimeException | Error e) {
        model.completeExceptionally(e);
        return;
      }
      try {
        logging.await();
      } catch (InterruptedException e) {
        return;
      }
      EnginePreload.load();
    }, "fsq-engine-preload");
    helper.setDaemon(true);
    helper.start();
    try {
      LoggerFactory.getLogger(Main.class);
    } finally {
      logging.countDown();
    }
    return model.join().execute(args);
  }

  /**
   * Whether this command line will load libtorch on the driver, so that loading it can start before the line
   * is parsed: a tokenize run (its driver checks the model whatever the master), not a request for help.
   */
  static boolean preloadsEngine(String[] args) {
    if (args.length == 0 || !args[0].equals("tokenize")) {
      return false;
    }
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
        return false;
      }
    }
    return true;
  }

  /** Runs a command line and returns its exit code; what tests call instead of {@link #main}. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return commandLine(args, out, err).execute(args);
  }

  /** The command line's model for {@code args}: the command it names, or all of them for help and mistakes. */
  private static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main());
    String named = args.length > 0 ? args[0] : "";
    if (COMMANDS.containsKey(named)) {
      commandLine.addSubcommand(named, COMMANDS.get(named).get());
    } else {
      // Help, a mistake or nothing: every command, for the listing and for suggestions.
      COMMANDS.forEach((name, command) -> commandLine.addSubcommand(name, command.get()));
      commandLine.addSubcommand("help", new CommandLine.HelpCommand());
    }
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setUsageHelpAutoWidth(true);
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setParameterExceptionHandler(Main::parameterError);
    HelpLayout.install(commandLine);
    return commandLine;
  }

  /**
   * A mistake on the command line: one line with the problem and where the options are listed; the usage
   * text would scroll the problem away.
   */
  static int parameterError(CommandLine.ParameterException problem, String[] args) {
    CommandLine failed = problem.getCommandLine();
    PrintWriter err = failed.getErr();
    String name = failed.getCommandSpec().qualifiedName();
    StringBuilder line = new StringBuilder(name).append(": error: ").append(problem.getMessage());
    if (problem instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
    }
    java.util.List<String> commands = failed.getCommandSpec().subcommands().keySet().stream()
        .filter(command -> !command.equals("help")).toList();
    if (!commands.isEmpty()) {
      line.append("; commands: ").append(String.join(", ", commands));
    }
    line.append("; see '").append(name).append(" --help'");
    err.println(line);
    err.flush();
    return 2;
  }

  /**
   * Prints one actionable line for a failure. Bad input and bad data end with exit code 2; anything else is an
   * internal error (exit code 1) whose stack trace {@code FSQ_DEBUG=1} prints.
   */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine,
        CommandLine.ParseResult parseResult) {
      Throwable cause = Errors.rootCause(exception);
      PrintWriter err = commandLine.getErr();
      String name = commandLine.getCommandSpec().qualifiedName();
      int code = Errors.exitCode(cause);
      // The whole story goes to the log file; the console gets the one line a person acts on.
      // Looked up here, not in a static field: log4j must start after RunLog chose the file.
      Logger logger = LoggerFactory.getLogger(Main.class);
      logger.error("{} failed", name, exception);
      // The qualified name ("fsq prior train") says which subcommand failed; for top-level ones it is "fsq X".
      err.println(name + ": error: " + Errors.describe(cause));
      Path log = RunLog.file();
      if (RunLog.debug()) {
        exception.printStackTrace(err);
      } else if (code == 1) {
        err.println(log == null ? "(set FSQ_DEBUG=1 for the stack trace)"
            : "(stack trace and log: " + log + "; FSQ_DEBUG=1 prints them here)");
      }
      err.flush();
      return code;
    }
  }

  /** The project's version and the Spark and DJL versions it was built with (a file the build fills in). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties versions = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          throw new IllegalStateException("version.properties is missing from the build; rebuild with mvn package");
        }
        versions.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"fsq-spark " + versions.getProperty("version") + " (Spark " + versions.getProperty("spark")
          + ", DJL " + versions.getProperty("djl") + ", Java " + Runtime.version().feature() + ")"};
    }
  }
}
