package io.zt4j.service.cli.idtool;

import io.zt4j.node.identity.Identity;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code getpublic <identity.secret>}: prints the public form (no newline, as zerotier-idtool). */
@Command(name = "getpublic", description = "Print the public form of an identity.")
final class GetpublicCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "<identity.secret>") List<String> args;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (args == null || args.isEmpty()) {
      IdtoolSupport.printHelp(out);
      return 1;
    }
    Optional<Identity> id = IdtoolSupport.identityFromArg(args.get(0));
    if (id.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("Identity argument invalid or file unreadable: " + args.get(0));
      err.flush();
      return 1;
    }
    out.print(id.get().toString(false));
    out.flush();
    return 0;
  }
}
