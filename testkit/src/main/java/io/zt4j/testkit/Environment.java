package io.zt4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

  /** Where {@link #jdkHome} looks for JDKs when {@code $ZT4J_JDK21_HOME} is not set. */
  public static final Path JVM_DIR = Paths.get("/usr/lib/jvm");

  private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)");

  /**
   * A JDK home whose feature version is at least {@code minFeature} (the build itself runs on 17;
   * some tests run a scenario in a child JVM of a newer JDK). Looked up in this order:
   * <ol>
   *   <li>{@code $ZT4J_JDK21_HOME}, if it names a JDK home (its {@code release} file and
   *       {@code bin/java}) of at least that version;
   *   <li>the running JVM, if it is new enough;
   *   <li>the newest JDK under {@code /usr/lib/jvm} that is new enough (Debian's and Temurin's
   *       packages install there).
   * </ol>
   */
  public static Optional<Path> jdkHome(int minFeature) {
    return jdkHome(minFeature, System.getenv("ZT4J_JDK21_HOME"), Paths.get(System.getProperty("java.home")), JVM_DIR);
  }

  /** {@link #jdkHome(int)} with its inputs given (tests). */
  static Optional<Path> jdkHome(int minFeature, String envHome, Path runningHome, Path jvmDir) {
    if (envHome != null && !envHome.isBlank()) {
      Path home = Paths.get(envHome);
      if (jdkFeature(home) >= minFeature) {
        return Optional.of(home.toAbsolutePath().normalize());
      }
    }
    if (jdkFeature(runningHome) >= minFeature) {
      return Optional.of(runningHome.toAbsolutePath().normalize());
    }
    Path best = null;
    int bestFeature = 0;
    for (Path home : listDirectories(jvmDir)) {
      int f = jdkFeature(home);
      if (f >= minFeature && f > bestFeature) {
        best = home;
        bestFeature = f;
      }
    }
    return Optional.ofNullable(best).map(p -> p.toAbsolutePath().normalize());
  }

  /** A JDK home of at least {@code minFeature} (see {@link #jdkHome}); skips (or under CI fails) without one. */
  public static Path jdk(int minFeature) {
    Optional<Path> home = jdkHome(minFeature);
    require(home.isPresent(), "needs a JDK " + minFeature + "+ (set ZT4J_JDK21_HOME or install one under " + JVM_DIR + ")");
    return home.get();
  }

  /**
   * The feature version of the JDK at {@code home} read from its {@code release} file, or 0 when
   * it is not a JDK home with an executable {@code bin/java}.
   */
  public static int jdkFeature(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
      return 0;
    }
    try {
      Matcher m = JAVA_VERSION.matcher(Files.readString(release));
      if (!m.find()) {
        return 0;
      }
      int v = Integer.parseInt(m.group(1));
      return v == 1 ? 8 : v; // "1.8.0_…" is 8; nothing that old matters here
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static List<Path> listDirectories(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isDirectory).sorted().forEach(out::add);
    } catch (IOException e) {
      // an unreadable directory holds no JDK we can use
    }
    return out;
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
