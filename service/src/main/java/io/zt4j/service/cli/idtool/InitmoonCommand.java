package io.zt4j.service.cli.idtool;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code initmoon <identity.public of first seed>}: prints a moon definition (JSON, as
 * zerotier-idtool prints it) with a fresh signing key pair and the seed as its only root; edit
 * its stable endpoints, then run {@code genmoon}.
 */
@Command(name = "initmoon", description = "Print a new moon definition (JSON) with a fresh signing key.")
final class InitmoonCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "<identity.public>") List<String> args;
  @Spec CommandSpec spec;

  /** Entropy for the signing key; tests may replace it. */
  RandomGenerator random = new SecureRandom();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (args == null || args.isEmpty()) {
      IdtoolSupport.printHelp(out);
      return 0; // zerotier-idtool exits 0 here
    }
    Optional<Identity> id = IdtoolSupport.identityFromArg(args.get(0));
    if (id.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(args.get(0) + " is not a valid identity");
      err.flush();
      return 1;
    }
    byte[] priv = new byte[C25519.PRIVATE_KEY_LENGTH];
    random.nextBytes(priv);
    String pub = HexFormat.of().formatHex(C25519.publicKeyOf(priv));
    Map<String, Object> seed = new LinkedHashMap<>();
    seed.put("identity", id.get().toString(false));
    seed.put("stableEndpoints", List.of());
    Map<String, Object> moon = new LinkedHashMap<>();
    moon.put("objtype", "world");
    moon.put("worldType", "moon");
    moon.put("updatesMustBeSignedBy", pub);
    moon.put("signingKey", pub);
    moon.put("signingKey_SECRET", HexFormat.of().formatHex(priv));
    moon.put("id", id.get().address().toString());
    moon.put("roots", List.of(seed));
    out.println(NlohmannJson.dump(moon));
    out.flush();
    return 0;
  }
}
