package io.zt4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  @Test
  void findsTheVectorsWhenPresentAndTheyHoldThePlanet() {
    Environment.vectorsDir().ifPresent(dir -> assertThat(Files.isRegularFile(dir.resolve("planet/planet"))).isTrue());
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
}
