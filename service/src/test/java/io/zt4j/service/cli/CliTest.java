package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(CommandLine cl, String... args) {
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void versionPrintsOurVersionJavaAndProtocol() {
    int rc = run(Zt4jCommand.commandLine(), "version");
    assertThat(rc).isZero();
    assertThat(out.toString())
        .containsPattern("^zt4j \\d+\\.\\d+\\.\\d+")
        .contains("java " + System.getProperty("java.version"))
        .contains("zerotier protocol 12");
  }

  @Test
  void helpListsSubcommands() {
    int rc = run(Zt4jCommand.commandLine(), "--help");
    assertThat(rc).isZero();
    assertThat(out.toString()).contains("Usage: zt4j").contains("version");
  }

  @Test
  void everySubcommandHasHelp() {
    // The usage-error hint says "Try 'zt4j node run --help'", so that must work at every level.
    for (String[] args : new String[][] {{"node", "run", "--help"}, {"root", "init", "-h"}, {"demo", "--help"},
        {"controller", "--help"}, {"idtool", "--help"}}) {
      out.getBuffer().setLength(0);
      int rc = run(Zt4jCommand.commandLine(), args);
      assertThat(rc).as(String.join(" ", args)).isZero();
      assertThat(out.toString()).as(String.join(" ", args)).contains("Usage: zt4j " + args[0]);
    }
    out.getBuffer().setLength(0);
    assertThat(run(Zt4jCommand.commandLine(), "node", "run", "--help")).isZero();
    assertThat(out.toString()).contains("--join").contains("--planet");
  }

  @Test
  void nodeRunOrbitsAMoonFromItsFileAndRefusesAPlanetAsMoon(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    java.security.SecureRandom random = new java.security.SecureRandom();
    io.zt4j.node.identity.Identity rootId = io.zt4j.node.identity.Identity.generate(random);
    io.zt4j.node.wire.World planet = io.zt4j.node.wire.World.make(io.zt4j.node.wire.World.Type.PLANET, 0x7e57L, 1L,
        rootId.publicKey(), java.util.List.of(new io.zt4j.node.wire.World.Root(rootId.withoutPrivateKey(),
            java.util.List.of(io.zt4j.node.wire.InetAddress.fromString("127.0.0.1/9").orElseThrow()))),
        rootId.privateKey().orElseThrow());
    io.zt4j.node.identity.Identity moonId = io.zt4j.node.identity.Identity.generate(random);
    io.zt4j.node.wire.World moon = io.zt4j.node.wire.World.make(io.zt4j.node.wire.World.Type.MOON,
        moonId.address().toLong(), 1L, moonId.publicKey(), java.util.List.of(new io.zt4j.node.wire.World.Root(
            moonId.withoutPrivateKey(), java.util.List.of(io.zt4j.node.wire.InetAddress.fromString("127.0.0.1/10")
                .orElseThrow()))), moonId.privateKey().orElseThrow());
    java.nio.file.Path planetFile = tmp.resolve("planet");
    java.nio.file.Path moonFile = tmp.resolve(String.format("%016x.moon", moon.id()));
    java.nio.file.Files.write(planetFile, planet.serialize());
    java.nio.file.Files.write(moonFile, moon.serialize());
    java.nio.file.Path home = tmp.resolve("home");

    int rc = run(Zt4jCommand.commandLine(), "node", "run", "--home", home.toString(), "--planet", planetFile.toString(),
        "--bind", "127.0.0.1/0", "--moon", planetFile.toString(), "--exit-after", "1");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("not a ZeroTier moon (a planet)");

    rc = run(Zt4jCommand.commandLine(), "node", "run", "--home", home.toString(), "--planet", planetFile.toString(),
        "--bind", "127.0.0.1/0", "--moon", moonFile.toString(), "--status-every", "0", "--exit-after", "1");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(home.resolve("moons.d").resolve(String.format("%016x.moon", moon.id()))).hasBinaryContent(moon.serialize());
  }

  @Test
  void unknownSubcommandIsAUsageErrorOnOneLinePlusHint() {
    int rc = run(Zt4jCommand.commandLine(), "frobnicate");
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(2);
    assertThat(err.toString()).startsWith("zt4j: ").contains("frobnicate");
  }

  @Command(name = "boom")
  static final class Boom implements Runnable {
    @Override
    public void run() {
      throw new IllegalStateException("network 8056c2e21c000001 not found\n(more)");
    }
  }

  @Test
  void failingCommandPrintsOneLineAndExitsNonZero() {
    CommandLine cl = Zt4jCommand.commandLine();
    cl.addSubcommand(new Boom());
    int rc = run(cl, "boom");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("zt4j: network 8056c2e21c000001 not found (more)" + System.lineSeparator());
  }

  @Test
  void verboseAddsTheStackTrace() {
    CommandLine cl = Zt4jCommand.commandLine();
    cl.addSubcommand(new Boom());
    int rc = run(cl, "--verbose", "boom");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("IllegalStateException").contains("at io.zt4j.service.cli");
  }
}
