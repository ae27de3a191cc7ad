package io.zt4j.service.cli.idtool;

import io.zt4j.node.identity.Identity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sign <identity.secret> <file>}: prints the 96-byte signature of the file's exact
 * contents as 192 lowercase hex digits, no newline.
 */
@Command(name = "sign", description = "Sign a file with an identity's private key; prints the signature in hex.")
final class SignCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "<identity.secret> <file>") List<String> args;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (args == null || args.size() < 2) {
      IdtoolSupport.printHelp(out);
      return 1;
    }
    Optional<Identity> id = IdtoolSupport.identityFromArg(args.get(0));
    if (id.isEmpty()) {
      err.println("Identity argument invalid or file unreadable: " + args.get(0));
      err.flush();
      return 1;
    }
    if (!id.get().hasPrivateKey()) {
      err.println(args.get(0) + " does not contain a private key (must use private to sign)");
      err.flush();
      return 1;
    }
    Optional<byte[]> msg = IdtoolSupport.readFile(Path.of(args.get(1)));
    if (msg.isEmpty()) {
      err.println(args.get(1) + " is not readable");
      err.flush();
      return 1;
    }
    out.print(HexFormat.of().formatHex(id.get().sign(msg.get())));
    out.flush();
    return 0;
  }
}
