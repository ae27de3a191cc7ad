package io.zt4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What the test environment offers, and the one policy for tests that need something optional:
 * on a developer's machine a missing prerequisite skips the test with a clear message; under CI
 * ({@code CI=true}) it fails, because CI must run every test.
 */
public final class Environment {
  private Environment() {}

  /** True when running under CI ({@code CI=true}). */
  public static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** True when the JVM runs as root (uid 0). */
  public static boolean root() {
    try {
      Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Skips (or under CI fails) the calling test unless it runs as root. */
  public static void assumeRoot() {
    require(root(), "needs root (network namespaces / TAP devices); run as root to include it");
  }

  /**
   * The ZeroTier One conformance vectors ({@code ../shared/zt-vectors} beside the repository, or
   * {@code $ZT4J_VECTORS}), if present.
   */
  public static Optional<Path> vectorsDir() {
    String env = System.getenv("ZT4J_VECTORS");
    if (env != null && !env.isBlank() && Files.isDirectory(Paths.get(env))) {
      return Optional.of(Paths.get(env).toAbsolutePath().normalize());
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("zt-vectors");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  /** The vectors directory; skips (or under CI fails) the calling test when it is absent. */
  public static Path vectors() {
    Optional<Path> dir = vectorsDir();
    require(dir.isPresent(), "needs ZeroTier One vectors in ../shared/zt-vectors (or set ZT4J_VECTORS)");
    return dir.get();
  }

  /** A file inside the vectors directory, e.g. {@code vectorFile("planet/planet")}. */
  public static Path vectorFile(String relative) {
    Path p = vectors().resolve(relative);
    if (!Files.exists(p)) {
      throw new UncheckedIOException(new IOException("vector file missing: " + p));
    }
    return p;
  }

  /** True when {@code command} is on the PATH. */
  public static boolean hasCommand(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Skips (or under CI fails) the calling test unless every command is on the PATH. */
  public static void assumeCommands(String... commands) {
    for (String c : commands) {
      require(hasCommand(c), "needs '" + c + "' on the PATH");
    }
  }

  /** Skips the calling test with {@code why}, or fails it under CI. */
  public static void require(boolean condition, String why) {
    if (condition) {
      return;
    }
    if (ci()) {
      Assertions.fail("CI=true but this test's prerequisite is missing: " + why);
    }
    Assumptions.assumeTrue(false, "skipped: " + why);
  }
}
