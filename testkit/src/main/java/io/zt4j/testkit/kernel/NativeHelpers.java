package io.zt4j.testkit.kernel;

import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Builds the test kit's C helpers with {@code gcc} into {@code target/zt4j-native/} (once per
 * source version: the binary name carries a hash of the source). Skips (or fails under CI) when
 * gcc is missing.
 */
public final class NativeHelpers {
  private NativeHelpers() {}

  /** The TAP relay ({@code tap_relay.c}), compiled if needed. */
  public static synchronized Path tapRelay() {
    return build("tap_relay");
  }

  static Path build(String name) {
    Environment.assumeCommands("gcc");
    byte[] src;
    try (InputStream in = NativeHelpers.class.getResourceAsStream(name + ".c")) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + ".c");
      }
      src = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(src)).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path dir = Path.of("target", "zt4j-native").toAbsolutePath();
    Path bin = dir.resolve(name + "-" + hash);
    if (Files.isExecutable(bin)) {
      return bin;
    }
    try {
      Files.createDirectories(dir);
      Path c = dir.resolve(name + "-" + hash + ".c");
      Files.write(c, src);
      Path tmp = dir.resolve(name + "-" + hash + ".tmp" + ProcessHandle.current().pid());
      NetNamespace.ExecResult r = NetNamespace.host(Duration.ofSeconds(60), "gcc", "-O2", "-Wall", "-Wextra", "-Werror",
          "-o", tmp.toString(), c.toString());
      if (r.exitCode() != 0) {
        throw new IllegalStateException("gcc failed: " + r);
      }
      Files.move(tmp, bin, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
