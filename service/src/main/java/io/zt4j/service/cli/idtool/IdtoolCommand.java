package io.zt4j.service.cli.idtool;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zt4j idtool}: a drop-in for {@code zerotier-idtool} (ZeroTier One 1.14) — same
 * subcommands, arguments, output formats and exit codes — plus {@code mkworld} for private
 * planets. Without a known subcommand it prints its help and exits 1, like zerotier-idtool.
 */
@Command(
    name = "idtool",
    description = "ZeroTier identity tool (drop-in for zerotier-idtool): identities, signatures, moons, planets.",
    subcommands = {
      GenerateCommand.class,
      ValidateCommand.class,
      GetpublicCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      InitmoonCommand.class,
      GenmoonCommand.class,
      MkworldCommand.class
    })
public final class IdtoolCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", hidden = true, description = "unknown command")
  List<String> unknown;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    IdtoolSupport.printHelp(spec.commandLine().getOut());
    return 1;
  }
}
