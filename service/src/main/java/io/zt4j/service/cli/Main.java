package io.zt4j.service.cli;

import picocli.CommandLine;

/** Entry point of the {@code zt4j} command line (the jar the {@code ./zt4j} launcher runs). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; used by tests so they need not exit the JVM. */
  public static int run(String... args) {
    return Zt4jCommand.commandLine().execute(args);
  }
}
