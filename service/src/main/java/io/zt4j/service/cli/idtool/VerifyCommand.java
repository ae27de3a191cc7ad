package io.zt4j.service.cli.idtool;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify <identity> <file> <signature>}: the signature is hex on the command line, or
 * (if that does not verify) the name of a file holding the hex, as with zerotier-idtool.
 */
@Command(name = "verify", description = "Verify a file's signature (hex, or a file containing the hex).")
final class VerifyCommand implements Callable<Integer> {
  /** zerotier-idtool decodes at most this many signature bytes. */
  private static final int MAX_SIGNATURE_BYTES = 4096;

  @Parameters(arity = "0..*", paramLabel = "<identity> <file> <signature>") List<String> args;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (args == null || args.size() < 3) {
      IdtoolSupport.printHelp(out);
      return 1;
    }
    Optional<Identity> id = IdtoolSupport.identityFromArg(args.get(0));
    if (id.isEmpty()) {
      err.println("Identity argument invalid or file unreadable: " + args.get(0));
      err.flush();
      return 1;
    }
    String file = args.get(1);
    Optional<byte[]> msg = IdtoolSupport.readFile(Path.of(file));
    if (msg.isEmpty()) {
      err.println(file + " is not readable");
      err.flush();
      return 1;
    }
    String sigArg = args.get(2);
    if (verifies(id.get(), msg.get(), IdtoolSupport.unhex(sigArg, MAX_SIGNATURE_BYTES))) {
      out.println(file + " signature valid");
      out.flush();
      return 0;
    }
    Optional<byte[]> sigFile = IdtoolSupport.readSmallFile(Path.of(sigArg));
    if (sigFile.isPresent() && verifies(id.get(), msg.get(),
        IdtoolSupport.unhex(new String(sigFile.get(), StandardCharsets.ISO_8859_1), MAX_SIGNATURE_BYTES))) {
      out.println(file + " signature valid");
      out.flush();
      return 0;
    }
    err.println(file + " signature check FAILED");
    err.flush();
    return 1;
  }

  private static boolean verifies(Identity id, byte[] msg, byte[] sig) {
    return sig.length == C25519.SIGNATURE_LENGTH && id.verify(msg, sig);
  }
}
