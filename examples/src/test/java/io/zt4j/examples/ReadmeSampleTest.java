package io.zt4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's code samples are the examples' code (line by line, in order): QuickStart, and
 * NioEchoServer for the NIO sample — so what the README shows compiles and is tested.
 */
class ReadmeSampleTest {
  @Test
  void theReadmeSampleIsQuickStart() throws Exception {
    sampleIsIn("## Using zt4j in your app", "QuickStart.java");
  }

  @Test
  void theNioSampleIsNioEchoServer() throws Exception {
    sampleIsIn("### NIO: channels and a Selector", "NioEchoServer.java");
  }

  private static void sampleIsIn(String heading, String file) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf(heading);
    assertThat(section).as("README section").isPositive();
    int start = readme.indexOf("```java\n", section);
    int end = readme.indexOf("```\n", start + 8);
    List<String> sample = readme.substring(start + 8, end).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertThat(sample).hasSizeGreaterThan(10);
    List<String> source = Files.readAllLines(Path.of("src/main/java/io/zt4j/examples/" + file)).stream()
        .map(String::strip).filter(l -> !l.isEmpty()).toList();
    // every line of the sample, in order, in QuickStart (which may add comments and imports)
    int at = 0;
    for (String line : sample) {
      int found = source.subList(at, source.size()).indexOf(line);
      assertThat(found).as("README line '" + line + "' in " + file + " after line " + at).isNotNegative();
      at += found + 1;
    }
  }
}
