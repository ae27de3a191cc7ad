package io.zt4j.service.cli;

import io.zt4j.service.cli.idtool.IdtoolCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The top-level {@code zt4j} command. Subcommands register here.
 *
 * <p>Errors: a failing subcommand prints one line {@code zt4j: <message>} to stderr and exits with
 * status 1; with {@code --verbose} the stack trace follows. Usage errors exit with status 2.
 */
@Command(
    name = "zt4j",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // --help/-h and --version/-V on every subcommand too
    versionProvider = VersionCommand.Provider.class,
    description = "zt4j: a pure-Java ZeroTier SDK, its node, controller and tools.",
    subcommands = {VersionCommand.class, DemoCommand.class, ControllerCommand.class, IdtoolCommand.class, NodeCommand.class,
        RootCommand.class, CommandLine.HelpCommand.class})
public final class Zt4jCommand implements Runnable {

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: show usage on stdout and succeed, like `git` without arguments would not.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the configured command line (shared by {@link Main} and tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Zt4jCommand());
    cl.setExecutionExceptionHandler(Zt4jCommand::handleError);
    cl.setParameterExceptionHandler(Zt4jCommand::handleUsageError);
    return cl;
  }

  private static int handleError(
      Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    err.println("zt4j: " + oneLine(e));
    if (isVerbose(parseResult)) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("zt4j: " + e.getMessage());
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return 2;
  }

  private static boolean isVerbose(CommandLine.ParseResult pr) {
    for (CommandLine.ParseResult p = pr; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    return m.replace('\n', ' ').strip();
  }
}
