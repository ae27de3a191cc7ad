package io.zt4j.service.cli.idtool;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import io.zt4j.service.cli.Zt4jCommand;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Drives {@code zt4j idtool} in-process and checks it against zerotier-idtool's recorded behaviour.
 * An IT: validating every vector identity and vanity generation (memory-hard hashing) take
 * 15–60 s on the shared machine.
 */
class IdtoolCliIT {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path tmp;

  private StringWriter out;
  private StringWriter err;

  private int run(String... args) {
    return run(cl -> {}, args);
  }

  /** Runs {@code zt4j idtool args…}; {@code tweak} may adjust the idtool subcommands first. */
  private int run(Consumer<CommandLine> tweak, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = Zt4jCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    tweak.accept(cl.getSubcommands().get("idtool"));
    String[] full = new String[args.length + 1];
    full[0] = "idtool";
    System.arraycopy(args, 0, full, 1, args.length);
    return cl.execute(full);
  }

  @SuppressWarnings("unchecked")
  private static <T> T sub(CommandLine idtool, String name) {
    return (T) idtool.getSubcommands().get(name).getCommand();
  }

  /** The blocks of a vectors text file: "[header]" followed by key=value lines. */
  private static List<Map<String, String>> blocks(String file) throws IOException {
    List<Map<String, String>> result = new ArrayList<>();
    Map<String, String> cur = null;
    for (String line : Files.readAllLines(Environment.vectorFile(file))) {
      if (line.startsWith("[")) {
        cur = new LinkedHashMap<>();
        cur.put("header", line);
        result.add(cur);
      } else if (cur != null && !line.startsWith("#") && line.indexOf('=') > 0) {
        cur.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return result;
  }

  private static List<Map<String, String>> identities() throws IOException {
    return blocks("identities.txt").stream().filter(b -> b.get("header").startsWith("[identity")).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // validate / getpublic

  @Test
  void everyVectorIdentityValidatesAndYieldsItsPublicForm() throws IOException {
    List<Map<String, String>> ids = identities();
    assertThat(ids).hasSize(20);
    for (Map<String, String> id : ids) {
      for (String form : new String[] {"secret", "public"}) {
        int rc = run("validate", id.get(form));
        assertThat(rc).isZero();
        String expected = id.get("validate." + form);
        assertThat(expected).startsWith("exit 0: ");
        assertThat(out.toString()).isEqualTo(expected.substring(8) + "\n");
      }
      assertThat(run("getpublic", id.get("secret"))).isZero();
      assertThat(out.toString()).isEqualTo(id.get("public"));
      assertThat(Identity.fromString(id.get("public")).orElseThrow().address().toString()).isEqualTo(id.get("address"));
    }
  }

  @Test
  void validateEdgeAndNegativeCasesMatchZeroTier() throws IOException {
    List<Map<String, String>> cases =
        blocks("identities.txt").stream().filter(b -> b.get("header").startsWith("[validate")).toList();
    assertThat(cases).hasSize(11);
    for (Map<String, String> c : cases) {
      int rc = run("validate", c.get("input"));
      assertThat(rc).as(c.get("header")).isEqualTo(Integer.parseInt(c.get("exit")));
      String printed = rc == 0 ? out.toString() : err.toString();
      assertThat(printed).as(c.get("header")).isEqualTo(c.get("output") + "\n");
    }
  }

  @Test
  void identityArgumentMayBeAFile() throws IOException {
    Map<String, String> id = identities().get(0);
    Path f = tmp.resolve("identity.secret");
    Files.writeString(f, id.get("secret") + "\n");
    assertThat(run("validate", f.toString())).isZero();
    assertThat(out.toString()).isEqualTo(f + " is a valid identity\n");
    assertThat(run("getpublic", f.toString())).isZero();
    assertThat(out.toString()).isEqualTo(id.get("public"));
    assertThat(run("validate", tmp.resolve("missing").toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("Identity argument invalid or file unreadable: " + tmp.resolve("missing") + "\n");
  }

  // ---------------------------------------------------------------------------------------------
  // sign / verify

  @Test
  void signaturesAreByteIdenticalAndVerifyLikeZeroTier() throws IOException {
    Map<String, Map<String, String>> byAddress = new LinkedHashMap<>();
    for (Map<String, String> id : identities()) {
      byAddress.put(id.get("address"), id);
    }
    List<Map<String, String>> sigs = blocks("signatures.txt");
    assertThat(sigs).hasSize(25);
    List<String> addresses = new ArrayList<>(byAddress.keySet());
    for (Map<String, String> s : sigs) {
      String[] header = s.get("header").replace("[", "").replace("]", "").split(" ");
      Map<String, String> id = byAddress.get(header[2]);
      Path msg = Environment.vectorFile(header[3]);
      assertThat(HEX.formatHex(Files.readAllBytes(msg))).isEqualTo(s.get("message_hex"));

      assertThat(run("sign", id.get("secret"), msg.toString())).isZero();
      assertThat(out.toString()).as(s.get("header")).isEqualTo(s.get("signature"));

      String sig = s.get("signature");
      assertThat(s.get("verify")).isEqualTo("exit 0: " + header[3] + " signature valid");
      assertThat(run("verify", id.get("public"), msg.toString(), sig)).isZero();
      assertThat(out.toString()).isEqualTo(msg + " signature valid\n");

      // the recorded negative cases all exit 1
      assertThat(s.get("negative_verify_exit_codes"))
          .isEqualTo("appended00:1 sigR:1 sigS:1 sigDigest:1 otherIdentity:1");
      Path appended = tmp.resolve("appended.bin");
      byte[] m = Files.readAllBytes(msg);
      Files.write(appended, Arrays.copyOf(m, m.length + 1));
      assertThat(run("verify", id.get("public"), appended.toString(), sig)).isEqualTo(1);
      assertThat(err.toString()).isEqualTo(appended + " signature check FAILED\n");
      for (int flip : new int[] {0, 40, 95}) {
        byte[] bad = HEX.parseHex(sig);
        bad[flip] ^= 1;
        assertThat(run("verify", id.get("public"), msg.toString(), HEX.formatHex(bad))).as("flip " + flip).isEqualTo(1);
      }
      String other = byAddress.get(addresses.get((addresses.indexOf(header[2]) + 1) % addresses.size())).get("public");
      assertThat(run("verify", other, msg.toString(), sig)).isEqualTo(1);
    }
  }

  @Test
  void verifyReadsTheSignatureFromAFileToo() throws IOException {
    Map<String, String> id = identities().get(1);
    Path msg = tmp.resolve("msg");
    Files.writeString(msg, "zt4j");
    assertThat(run("sign", id.get("secret"), msg.toString())).isZero();
    Path sigFile = tmp.resolve("msg.sig");
    Files.writeString(sigFile, out.toString() + "\n");
    assertThat(run("verify", id.get("public"), msg.toString(), sigFile.toString())).isZero();
    assertThat(out.toString()).isEqualTo(msg + " signature valid\n");
  }

  @Test
  void signNeedsAPrivateKeyAndAReadableFile() throws IOException {
    Map<String, String> id = identities().get(0);
    assertThat(run("sign", id.get("public"), "whatever")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo(id.get("public") + " does not contain a private key (must use private to sign)\n");
    assertThat(run("sign", id.get("secret"), tmp.resolve("nope").toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo(tmp.resolve("nope") + " is not readable\n");
  }

  // ---------------------------------------------------------------------------------------------
  // generate

  @Test
  void generateToStdoutRoundTripsThroughValidate() {
    assertThat(run(cl -> ((GenerateCommand) sub(cl, "generate")).random = new Random(7), "generate")).isZero();
    String secret = out.toString();
    assertThat(secret).matches("e21f4efee1:0:[0-9a-f]{128}:[0-9a-f]{128}");
    assertThat(run("validate", secret)).isZero();
    // deterministic for a seeded source, like any caller-supplied randomness
    run(cl -> ((GenerateCommand) sub(cl, "generate")).random = new Random(7), "generate");
    assertThat(out.toString()).isEqualTo(secret);
  }

  @Test
  void generateWritesFilesAtomicallyWithSecretMode0600() throws IOException {
    Path secret = tmp.resolve("identity.secret");
    Path pub = tmp.resolve("identity.public");
    assertThat(run("generate", secret.toString(), pub.toString())).isZero();
    assertThat(out.toString()).isEqualTo(secret + " written\n" + pub + " written\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    assertThat(run("getpublic", secret.toString())).isZero();
    assertThat(Files.readString(pub)).isEqualTo(out.toString());
    assertThat(run("validate", pub.toString())).isZero();
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("identity.secret", "identity.public");
    }
    assertThat(run("generate", tmp.resolve("no/such/dir/identity.secret").toString())).isEqualTo(1);
    assertThat(withoutProgress(err.toString()))
        .isEqualTo("Error writing to " + tmp.resolve("no/such/dir/identity.secret") + "\n");
  }

  @Test
  void generateWithVanityPrefixFindsAMatchingAddress() {
    // Random(7) yields e21f4efee1 first, then 1c94eedf44 (see generateToStdout…).
    assertThat(run(cl -> ((GenerateCommand) sub(cl, "generate")).random = new Random(7),
        "generate", tmp.resolve("s").toString(), tmp.resolve("p").toString(), "1")).isZero();
    assertThat(withoutProgress(err.toString())).isEqualTo(
        "vanity address: tried e21f4efee1 looking for first 4 bits of 1000000000\n"
        + "vanity address: found 1c94eedf44 !\n");
    assertThat(out.toString()).isEqualTo(tmp.resolve("s") + " written\n" + tmp.resolve("p") + " written\n");
  }

  /** Generation may print progress lines on stderr when slow; they are not part of the contract. */
  private static String withoutProgress(String stderr) {
    return stderr.lines().filter(l -> !l.startsWith("generating identity: ")).map(l -> l + "\n")
        .reduce("", String::concat);
  }

  @Test
  void generateShowsProgressWhenSlow() {
    // "slow" from the first attempt on; cancel as soon as the progress line is out
    int rc = run(cl -> {
      GenerateCommand g = sub(cl, "generate");
      g.progressAfterNanos = 0;
      // seeded so the first attempt fails the hashcash (about 1 in 15 succeed): the progress
      // line is printed before the second attempt, and the cancel then lands
      g.random = new Random(42);
      g.cancelRequested = () -> err.toString().contains("generating identity: ");
    }, "generate");
    assertThat(rc).isEqualTo(GenerateCommand.EXIT_CANCELLED);
    assertThat(err.toString()).containsPattern("^generating identity: 1 attempts, \\d+\\.\\d s \\(Ctrl-C cancels\\)\n");
    assertThat(err.toString()).endsWith("generate: cancelled, nothing written\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void generateCanBeCancelledAndWritesNothing() {
    Path secret = tmp.resolve("identity.secret");
    int rc = run(cl -> ((GenerateCommand) sub(cl, "generate")).cancelRequested = () -> true, "generate", secret.toString());
    assertThat(rc).isEqualTo(GenerateCommand.EXIT_CANCELLED);
    assertThat(err.toString()).contains("cancelled");
    assertThat(out.toString()).isEmpty();
    assertThat(Files.exists(secret)).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // initmoon / genmoon

  @Test
  void initmoonPrintsZeroTiersJsonAndGenmoonSignsIt() throws IOException {
    Map<String, String> seed = identities().get(0);
    assertThat(run(cl -> ((InitmoonCommand) sub(cl, "initmoon")).random = new Random(5), "initmoon", seed.get("secret"))).isZero();
    String json = out.toString();
    String[] lines = json.split("\n", -1);
    assertThat(lines).hasSize(15);
    assertThat(lines[0]).isEqualTo("{");
    assertThat(lines[1]).isEqualTo(" \"id\": \"" + seed.get("address") + "\",");
    assertThat(lines[2]).isEqualTo(" \"objtype\": \"world\",");
    assertThat(lines[3]).isEqualTo(" \"roots\": [");
    assertThat(lines[4]).isEqualTo("  {");
    assertThat(lines[5]).isEqualTo("   \"identity\": \"" + seed.get("public") + "\",");
    assertThat(lines[6]).isEqualTo("   \"stableEndpoints\": []");
    assertThat(lines[7]).isEqualTo("  }");
    assertThat(lines[8]).isEqualTo(" ],");
    assertThat(lines[9]).matches(" \"signingKey\": \"[0-9a-f]{128}\",");
    assertThat(lines[10]).matches(" \"signingKey_SECRET\": \"[0-9a-f]{128}\",");
    assertThat(lines[11]).matches(" \"updatesMustBeSignedBy\": \"[0-9a-f]{128}\",");
    assertThat(lines[12]).isEqualTo(" \"worldType\": \"moon\"");
    assertThat(lines[13]).isEqualTo("}");
    String pub = lines[9].substring(16, 144);
    String priv = lines[10].substring(23, 151);
    assertThat(HEX.formatHex(C25519.publicKeyOf(HEX.parseHex(priv)))).isEqualTo(pub);
    assertThat(lines[11]).contains(pub);

    // add endpoints in an unsorted order, as a user would, then sign
    String edited = json.replace("\"stableEndpoints\": []",
        "\"stableEndpoints\": [\"fd99::1/9993\", \"10.99.0.2/9993\", \"10.99.0.1/9993\"]");
    Path moonJson = tmp.resolve("moon.json");
    Files.writeString(moonJson, edited);
    assertThat(run(cl -> ((GenmoonCommand) sub(cl, "genmoon")).clock = () -> 1_700_000_000_000L,
        "genmoon", "-C", tmp.toString(), moonJson.toString())).isZero();
    String fn = String.format("%016x.moon", Long.parseLong(seed.get("address"), 16));
    assertThat(out.toString()).isEqualTo("wrote " + fn + " (signed world with timestamp 1700000000000)\n");
    World moon = World.parse(Files.readAllBytes(tmp.resolve(fn))).value();
    assertThat(moon.type()).isEqualTo(World.Type.MOON);
    assertThat(moon.id()).isEqualTo(Long.parseLong(seed.get("address"), 16));
    assertThat(moon.timestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(moon.verify(HEX.parseHex(pub))).isTrue();
    assertThat(moon.roots().get(0).identity().toString()).isEqualTo(seed.get("public"));
    // sorted as ZeroTier sorts: IPv4 before IPv6, IPv4 by its last octet first
    assertThat(moon.roots().get(0).stableEndpoints()).extracting(InetAddress::toString)
        .containsExactly("10.99.0.1/9993", "10.99.0.2/9993", "fd99::1/9993");
  }

  @Test
  void genmoonRejectsBadDefinitionsWithZeroTiersMessages() throws IOException {
    Path j = tmp.resolve("m.json");
    Files.writeString(j, "{\"id\":\"0\",\"worldType\":\"moon\"}");
    assertThat(run("genmoon", j.toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("ID in " + j + " is invalid\n");
    Files.writeString(j, "{\"id\":\"abc\",\"worldType\":\"star\"}");
    assertThat(run("genmoon", j.toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("invalid worldType\n");
    assertThat(run("genmoon", tmp.resolve("none.json").toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("cannot read " + tmp.resolve("none.json") + "\n");
    Files.writeString(j, "{not json");
    assertThat(run("genmoon", j.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("cannot parse " + j);
    assertThat(run("initmoon", "not-an-identity")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("not-an-identity is not a valid identity\n");
  }

  // ---------------------------------------------------------------------------------------------
  // mkworld

  private Path vectorWorldJson(Path dir) throws IOException {
    String root = Files.readString(Environment.vectorFile("lab/ids/root.identity.public")).strip();
    Path j = dir.resolve("world.json");
    Files.writeString(j, "{\n \"id\": 4242424242,\n \"timestamp\": 1764100000000,\n \"roots\": [\n  {\"identity\": \""
        + root + "\", \"stableEndpoints\": [\"10.99.0.1/9993\", \"fd99::1/9993\"]}\n ]\n}\n");
    return j;
  }

  @Test
  void mkworldWithTheVectorKeysReproducesThePlanetByteForByte() throws IOException {
    byte[] kp = Files.readAllBytes(Environment.vectorFile("planet/planet-signing-keypair.c25519"));
    Files.write(tmp.resolve("previous.c25519"), kp);
    Files.write(tmp.resolve("current.c25519"), kp);
    Path j = vectorWorldJson(tmp);
    assertThat(run("mkworld", "-C", tmp.toString(), j.toString())).isZero();
    byte[] planet = Files.readAllBytes(Environment.vectorFile("planet/planet"));
    assertThat(Files.readAllBytes(tmp.resolve("world.bin"))).isEqualTo(planet);
    assertThat(err.toString()).isEqualTo("INFO: generating and signing id==4242424242 ts==1764100000000\n"
        + "INFO: world.bin written with 276 bytes of binary world data.\n");
    StringBuilder array = new StringBuilder();
    for (byte b : planet) {
      array.append(array.length() == 0 ? "" : ",").append(String.format("0x%02x", b & 0xFF));
    }
    assertThat(out.toString()).isEqualTo("\n#define ZT_DEFAULT_WORLD_LENGTH 276\n"
        + "static const unsigned char ZT_DEFAULT_WORLD[ZT_DEFAULT_WORLD_LENGTH] = {" + array + "};\n");
  }

  @Test
  void mkworldCreatesKeysOnFirstRunAndItsPlanetIsAcceptedAndUpdatable() throws IOException {
    Path j = vectorWorldJson(tmp);
    assertThat(run(cl -> ((MkworldCommand) sub(cl, "mkworld")).random = new Random(11), "mkworld", "-C", tmp.toString(), j.toString()))
        .isZero();
    assertThat(err.toString()).startsWith("INFO: created initial world keys: previous.c25519 and current.c25519 (both initially the same)\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("previous.c25519")))).isEqualTo("rw-------");
    World first = World.parse(Files.readAllBytes(tmp.resolve("world.bin"))).value();
    assertThat(first.type()).isEqualTo(World.Type.PLANET);
    assertThat(first.verifySelfSigned()).isTrue();
    assertThat(first.roots().get(0).stableEndpoints()).extracting(InetAddress::toString)
        .containsExactly("10.99.0.1/9993", "fd99::1/9993");

    // Next revision: sign with the old key (previous), name a new key (current), newer timestamp.
    byte[] newPriv = new byte[64];
    new Random(12).nextBytes(newPriv);
    byte[] newPair = new byte[128];
    System.arraycopy(C25519.publicKeyOf(newPriv), 0, newPair, 0, 64);
    System.arraycopy(newPriv, 0, newPair, 64, 64);
    Files.write(tmp.resolve("current.c25519"), newPair);
    Files.writeString(j, Files.readString(j).replace("1764100000000", "1764100000001"));
    assertThat(run("mkworld", "-C", tmp.toString(), j.toString())).isZero();
    World second = World.parse(Files.readAllBytes(tmp.resolve("world.bin"))).value();
    assertThat(first.shouldBeReplacedBy(second)).isTrue();
    assertThat(second.shouldBeReplacedBy(first)).isFalse();
    assertThat(second.verifySelfSigned()).isFalse();
  }

  @Test
  void mkworldRefusesBadKeyFiles() throws IOException {
    Files.write(tmp.resolve("previous.c25519"), new byte[10]);
    Files.write(tmp.resolve("current.c25519"), new byte[128]);
    assertThat(run("mkworld", "-C", tmp.toString(), vectorWorldJson(tmp).toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("FATAL: previous.c25519 or current.c25519 empty or invalid\n");
    assertThat(Files.exists(tmp.resolve("world.bin"))).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // usage, as zerotier-idtool

  @Test
  void usageErrorsPrintHelpWithZeroTiersExitCodes() {
    assertThat(run()).isEqualTo(1);
    assertThat(out.toString()).contains("Usage: zt4j idtool <command>").contains("genmoon <moon json>");
    assertThat(run("frobnicate")).isEqualTo(1);
    assertThat(out.toString()).contains("Usage: zt4j idtool");
    for (String c : new String[] {"validate", "getpublic", "sign", "verify", "mkworld"}) {
      assertThat(run(c)).as(c).isEqualTo(1);
      assertThat(out.toString()).contains("Commands:");
    }
    assertThat(run("initmoon")).isZero();
    assertThat(run("genmoon")).isZero();
  }
}
