package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./zt4j} launcher at the repository root, run by {@code sh} on a copy of the
 * repository's shape in a temporary directory (the launcher, a source file, the CLI jar built by
 * this build's {@code package} phase) with a fake {@code mvn} on the PATH, so every branch is
 * exercised without a real nested build: a fresh jar runs at once from any directory and through
 * a symlink; a missing or stale jar is rebuilt (saying so on stderr) with the build command the
 * launcher documents; a failed build shows its log and exits 1; no Maven says so; the CLI's exit
 * codes pass through.
 */
class LauncherIT {
  @TempDir Path tmp;
  Path repo;
  Path jar;
  Path source;
  Path bin;
  Path mvnLog;

  static Path repositoryRoot() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("zt4j")) && Files.isDirectory(p.resolve("service"))) {
        return p;
      }
    }
    throw new IllegalStateException("no zt4j launcher above " + Paths.get("").toAbsolutePath());
  }

  static Path builtJar() {
    return repositoryRoot().resolve("service/target/zt4j.jar");
  }

  @BeforeEach
  void layOutRepository() throws IOException {
    assertThat(builtJar()).as("the package phase builds the CLI jar before integration tests").isRegularFile();
    repo = Files.createDirectories(tmp.resolve("repo"));
    Files.copy(repositoryRoot().resolve("zt4j"), repo.resolve("zt4j"));
    source = Files.createDirectories(repo.resolve("service/src/main/java/x")).resolve("A.java");
    Files.writeString(source, "class A {}\n");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(3600)));
    jar = repo.resolve("service/target/zt4j.jar");
    Files.createDirectories(jar.getParent());
    bin = Files.createDirectories(tmp.resolve("bin"));
    mvnLog = tmp.resolve("mvn.log");
  }

  /** A PATH directory holding only the tools the launcher uses (and {@code mvn} when given). */
  void path(String mvnScript) throws IOException {
    for (String tool : List.of("java", "find", "head", "dirname", "readlink", "mktemp", "cat", "rm", "touch", "cp", "mkdir")) {
      Path real = which(tool);
      Path link = bin.resolve(tool);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, tool.equals("java") ? Paths.get(System.getProperty("java.home"), "bin", "java") : real);
      }
    }
    Path mvn = bin.resolve("mvn");
    Files.deleteIfExists(mvn);
    if (mvnScript != null) {
      Files.writeString(mvn, "#!/bin/sh\necho \"$PWD|$*\" >> '" + mvnLog + "'\n" + mvnScript + "\n");
      Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  static Path which(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      Path p = Paths.get(dir, tool);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException(tool + " not on the PATH");
  }

  record Run(int exit, String out, String err) {}

  Run launch(Path launcher, Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("PATH", bin.toString());
    env.put("REAL_JAR", builtJar().toString());
    env.remove("ZT4J_JAVA_OPTS");
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("launcher did not finish in 60 s");
    }
    return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  void freshJar() throws IOException {
    Files.copy(builtJar(), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
  }

  List<String> mvnCalls() throws IOException {
    return Files.exists(mvnLog) ? Files.readAllLines(mvnLog) : List.of();
  }

  @Test
  void freshJarRunsAtOnceFromAnyDirectoryAndThroughASymlink() throws Exception {
    freshJar();
    path("echo unexpected build >&2; exit 1");
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Run r = launch(repo.resolve("zt4j"), elsewhere, "--help");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Usage: zt4j").contains("version");
    assertThat(r.err()).isEmpty();

    Path link = elsewhere.resolve("zt");
    Files.createSymbolicLink(link, repo.resolve("zt4j"));
    Run v = launch(link, Paths.get("/"), "version");
    assertThat(v.exit()).as(v.toString()).isZero();
    assertThat(v.out()).containsPattern("^zt4j \\d+\\.\\d+\\.\\d+").contains("zerotier protocol 12");
    assertThat(mvnCalls()).isEmpty();
  }

  @Test
  void missingOrStaleJarIsBuiltOnceSayingSo() throws Exception {
    path("mkdir -p service/target && cp \"$REAL_JAR\" service/target/zt4j.jar");
    Run first = launch(repo.resolve("zt4j"), tmp, "version");
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(first.err()).startsWith("zt4j: building the CLI jar with Maven");
    assertThat(first.out()).contains("zt4j ");
    assertThat(mvnCalls()).containsExactly(repo + "|-B -q -DskipTests -pl service -am package");

    Run second = launch(repo.resolve("zt4j"), tmp, "version");
    assertThat(second.err()).isEmpty();
    assertThat(mvnCalls()).hasSize(1);

    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
    Run stale = launch(repo.resolve("zt4j"), tmp, "version");
    assertThat(stale.exit()).isZero();
    assertThat(stale.err()).startsWith("zt4j: building the CLI jar");
    assertThat(mvnCalls()).hasSize(2);
  }

  @Test
  void failedBuildShowsItsLogAndExitsOne() throws Exception {
    path("echo '[ERROR] COMPILATION ERROR in A.java'; exit 1");
    Run r = launch(repo.resolve("zt4j"), tmp, "version");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("[ERROR] COMPILATION ERROR in A.java").endsWith("zt4j: build failed (output above)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void withoutMavenItSaysSo() throws Exception {
    path(null);
    Run r = launch(repo.resolve("zt4j"), tmp, "version");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("zt4j: Maven (mvn) is needed to build zt4j; install it and retry\n");
  }

  @Test
  void cliErrorsAndExitCodesPassThrough() throws Exception {
    freshJar();
    path("exit 1");
    Run r = launch(repo.resolve("zt4j"), tmp, "frobnicate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("zt4j: ").contains("frobnicate");
    assertThat(r.out()).isEmpty();
  }
}
