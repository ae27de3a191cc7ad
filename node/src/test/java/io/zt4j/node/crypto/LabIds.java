package io.zt4j.node.crypto;

import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The lab nodes' identity secrets from the vectors, by address. */
public final class LabIds {
  private LabIds() {}

  /** address (10 hex) → secret identity string. */
  public static Map<String, String> secrets() {
    Path dir = Environment.vectorFile("lab/ids");
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().endsWith(".identity.secret")) {
          String s = Files.readString(p).trim();
          out.put(s.substring(0, 10), s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.size() != 4) {
      throw new IllegalStateException("expected 4 lab identities, found " + out.keySet());
    }
    return out;
  }
}
