package io.zt4j.service.cli.idtool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zt4j idtool generate} in its own JVM, stopped from outside while it searches: the
 * shutdown hook (which Ctrl-C's SIGINT and SIGTERM both run) cancels the search, nothing is
 * written, and the process says so.
 */
class GenerateCancelIT {
  @TempDir Path tmp;

  @Test
  void signalledGenerateWritesNothing() throws Exception {
    Path secret = tmp.resolve("identity.secret");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    // A 40-bit vanity prefix is (practically) never found, so the search is still running when
    // the signal arrives, whatever the machine's speed.
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        "io.zt4j.service.cli.Main", "idtool", "generate", secret.toString(), tmp.resolve("identity.public").toString(),
        "0123456789")
        .redirectOutput(tmp.resolve("stdout.txt").toFile())
        .start();
    StringBuilder err = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        err.append(line).append('\n');
        if (line.startsWith("generating identity: ")) {
          p.toHandle().destroy(); // SIGTERM, streams stay open: the same shutdown path as Ctrl-C
        }
      }
    } finally {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    assertThat(p.exitValue()).isEqualTo(128 + 15);
    assertThat(err.toString()).contains("generating identity: ").endsWith("generate: cancelled, nothing written\n");
    assertThat(Files.exists(secret)).isFalse();
    try (var files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("stdout.txt");
    }
    assertThat(Files.readString(tmp.resolve("stdout.txt"))).isEmpty();
  }
}
