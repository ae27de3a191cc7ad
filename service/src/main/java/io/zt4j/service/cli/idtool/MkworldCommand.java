package io.zt4j.service.cli.idtool;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.node.crypto.C25519;
import io.zt4j.node.wire.Parsed;
import io.zt4j.node.wire.World;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mkworld <world.json>}: ZeroTier's {@code attic/world/mkworld} with the world taken
 * from a JSON file instead of edited source. Like mkworld it works in a directory holding
 * {@code previous.c25519} (the key pair that signs this world: public ‖ private, 128 bytes) and
 * {@code current.c25519} (the key pair whose public half must sign the next revision); if either
 * is missing both are created with one fresh key pair (a self-signed first world). It writes
 * {@code world.bin} (install it as {@code planet} in a node's home directory), reports on stderr
 * and prints the world as a C array on stdout.
 *
 * <pre>
 *  { "id": 4242424242,                 number (decimal) or string (hex, as in moon JSON)
 *    "timestamp": 1764100000000,       ms; must grow with every revision (default: now)
 *    "roots": [ { "identity": "523be43e97:0:…",
 *                 "stableEndpoints": [ "10.99.0.1/9993", "fd99::1/9993" ] } ] }
 * </pre>
 *
 * Roots and endpoints keep the order given, as in mkworld.
 */
@Command(name = "mkworld", description = "Create a signed planet (world.bin) from a JSON world definition.")
final class MkworldCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "<world json>") List<String> args;

  @Option(names = {"-C", "--directory"}, paramLabel = "<dir>",
      description = "Read the key files from and write world.bin to this directory (default: current).")
  Path directory = Path.of("");

  @Spec CommandSpec spec;

  /** Default timestamp source (ms); tests may replace it. */
  LongSupplier clock = System::currentTimeMillis;

  /** Entropy for a first key pair; tests may replace it. */
  RandomGenerator random = new SecureRandom();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (args == null || args.isEmpty()) {
      IdtoolSupport.printHelp(out);
      return 1;
    }
    String file = args.get(0);
    Optional<byte[]> text = IdtoolSupport.readFile(Path.of(file));
    if (text.isEmpty()) {
      err.println("cannot read " + file);
      err.flush();
      return 1;
    }
    JsonNode def;
    List<World.Root> roots;
    long id;
    long ts;
    try {
      def = WorldDefinition.parse(text.get(), file);
      JsonNode idJ = def.get("id");
      if (idJ != null && idJ.isIntegralNumber()) {
        id = idJ.bigIntegerValue().longValue();
      } else {
        id = IdtoolSupport.hexPrefixToLong(WorldDefinition.jsonString(idJ, "0"));
      }
      if (id == 0) {
        err.println("ID in " + file + " is invalid");
        err.flush();
        return 1;
      }
      JsonNode tsJ = def.get("timestamp");
      if (tsJ == null) {
        ts = clock.getAsLong();
      } else if (tsJ.isIntegralNumber()) {
        ts = tsJ.bigIntegerValue().longValue();
      } else {
        err.println("timestamp in " + file + " must be a number (ms)");
        err.flush();
        return 1;
      }
      roots = WorldDefinition.roots(def, false);
    } catch (WorldDefinition.Invalid e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }

    Path previousFile = directory.resolve("previous.c25519");
    Path currentFile = directory.resolve("current.c25519");
    Optional<byte[]> previous = IdtoolSupport.readSmallFile(previousFile);
    Optional<byte[]> current = IdtoolSupport.readSmallFile(currentFile);
    if (previous.isEmpty() || current.isEmpty()) {
      byte[] priv = new byte[C25519.PRIVATE_KEY_LENGTH];
      random.nextBytes(priv);
      byte[] pair = new byte[128];
      System.arraycopy(C25519.publicKeyOf(priv), 0, pair, 0, 64);
      System.arraycopy(priv, 0, pair, 64, 64);
      if (!IdtoolSupport.writeFile(previousFile, pair, true) || !IdtoolSupport.writeFile(currentFile, pair, true)) {
        err.println("FATAL: cannot write previous.c25519 / current.c25519");
        err.flush();
        return 1;
      }
      previous = Optional.of(pair);
      current = Optional.of(pair);
      err.println("INFO: created initial world keys: previous.c25519 and current.c25519 (both initially the same)");
    }
    if (previous.get().length != 128 || current.get().length != 128) {
      err.println("FATAL: previous.c25519 or current.c25519 empty or invalid");
      err.flush();
      return 1;
    }
    byte[] currentPublic = Arrays.copyOf(current.get(), 64);
    byte[] previousPrivate = Arrays.copyOfRange(previous.get(), 64, 128);

    err.println("INFO: generating and signing id==" + Long.toUnsignedString(id) + " ts==" + Long.toUnsignedString(ts));
    World w = World.make(World.Type.PLANET, id, ts, currentPublic, roots, previousPrivate);
    byte[] bytes = w.serialize();
    Parsed<World> check = World.parse(bytes);
    if (!check.isOk() || !check.value().equals(w) || !w.verify(Arrays.copyOf(previous.get(), 64))) {
      err.println("FATAL: serialization test failed!");
      err.flush();
      return 1;
    }
    if (!IdtoolSupport.writeFile(directory.resolve("world.bin"), bytes, false)) {
      err.println("FATAL: cannot write world.bin");
      err.flush();
      return 1;
    }
    err.println("INFO: world.bin written with " + bytes.length + " bytes of binary world data.");
    err.flush();

    StringBuilder c = new StringBuilder(bytes.length * 5 + 128);
    c.append('\n');
    c.append("#define ZT_DEFAULT_WORLD_LENGTH ").append(bytes.length).append('\n');
    c.append("static const unsigned char ZT_DEFAULT_WORLD[ZT_DEFAULT_WORLD_LENGTH] = {");
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        c.append(',');
      }
      c.append(String.format("0x%02x", bytes[i] & 0xFF));
    }
    c.append("};\n");
    out.print(c);
    out.flush();
    return 0;
  }
}
