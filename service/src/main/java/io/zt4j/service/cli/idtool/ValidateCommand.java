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

/** {@code validate <identity>}: checks the address against the memory-hard hash of the key. */
@Command(name = "validate", description = "Check that an identity's address matches its public key (exit 0 if valid).")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "<identity.secret/public>") List<String> args;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (args == null || args.isEmpty()) {
      IdtoolSupport.printHelp(out);
      return 1;
    }
    String arg = args.get(0);
    Optional<Identity> id = IdtoolSupport.identityFromArg(arg);
    if (id.isEmpty()) {
      err.println("Identity argument invalid or file unreadable: " + arg);
      err.flush();
      return 1;
    }
    if (!id.get().locallyValidate()) {
      err.println(arg + " FAILED validation.");
      err.flush();
      return 1;
    }
    out.println(arg + " is a valid identity");
    out.flush();
    return 0;
  }
}
