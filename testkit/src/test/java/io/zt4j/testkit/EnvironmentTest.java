package io.zt4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
  @Test
  void findsTheVectorsWhenPresentAndTheyHoldThePlanet() {
    assertThat(Files.isRegularFile(Environment.vectors().resolve("planet/planet"))).isTrue();
  }

  @Test
  void commandLookupSeesShellAndNotNonsense() {
    assertThat(Environment.hasCommand("sh")).isTrue();
    assertThat(Environment.hasCommand("no-such-command-zt4j")).isFalse();
  }

  @Test
  void requirePassesWhenConditionHolds() {
    Environment.require(true, "never shown");
  }

  static Path fakeJdk(Path dir, String name, String javaVersion) throws IOException {
    Path home = dir.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + javaVersion + "\"\n");
    Path java = home.resolve("bin").resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  @Test
  void jdkFeatureReadsTheReleaseFile(@TempDir Path dir) throws IOException {
    assertThat(Environment.jdkFeature(fakeJdk(dir, "a", "25.0.3"))).isEqualTo(25);
    assertThat(Environment.jdkFeature(fakeJdk(dir, "b", "17.0.15"))).isEqualTo(17);
    assertThat(Environment.jdkFeature(fakeJdk(dir, "c", "1.8.0_402"))).isEqualTo(8);
    Path noJava = fakeJdk(dir, "d", "21");
    Files.delete(noJava.resolve("bin/java"));
    assertThat(Environment.jdkFeature(noJava)).isZero();
    assertThat(Environment.jdkFeature(dir.resolve("missing"))).isZero();
  }

  @Test
  void jdkLookupPrefersTheVariableThenTheRunningJvmThenTheNewestInTheDirectory(@TempDir Path dir) throws IOException {
    Path jvms = Files.createDirectories(dir.resolve("jvm"));
    Path j17 = fakeJdk(jvms, "java-17", "17.0.1");
    Path j21 = fakeJdk(jvms, "temurin-21", "21.0.2");
    Path j25 = fakeJdk(jvms, "temurin-25", "25.0.3");
    Path custom = fakeJdk(dir, "custom", "22");
    assertThat(Environment.jdkHome(21, custom.toString(), j17, jvms)).contains(custom);
    assertThat(Environment.jdkHome(21, "", j21, jvms)).contains(j21);
    assertThat(Environment.jdkHome(21, null, j17, jvms)).contains(j25);
    // a variable naming something too old or not a JDK is passed over
    assertThat(Environment.jdkHome(21, j17.toString(), j17, jvms)).contains(j25);
    assertThat(Environment.jdkHome(21, dir.resolve("nope").toString(), j17, jvms)).contains(j25);
    assertThat(Environment.jdkHome(26, null, j17, jvms)).isEmpty();
    assertThat(Environment.jdkHome(21, null, j17, dir.resolve("no-such-dir"))).isEmpty();
  }
}
