package io.zt4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for the vectors' sectioned text files ({@code identities.txt}, {@code signatures.txt},
 * {@code lab/keys.txt}, {@code lab/worked-examples.txt}): {@code #} comment lines, section headers
 * ({@code [name]} or {@code ==== name}), then {@code key=value} lines.
 */
public final class VectorSections {
  /** One section: its header text (without brackets/markers) and its key/value lines in order. */
  public record Section(String header, Map<String, String> values) {
    /** The value of {@code key}; fails if absent. */
    public String get(String key) {
      String v = values.get(key);
      if (v == null) {
        throw new IllegalArgumentException("section [" + header + "] has no key " + key);
      }
      return v;
    }

    /** The value of {@code key} up to the first whitespace (drops trailing annotations). */
    public String word(String key) {
      String v = get(key).trim();
      int sp = v.indexOf(' ');
      return sp < 0 ? v : v.substring(0, sp);
    }
  }

  private VectorSections() {}

  /** Parses a sectioned file. */
  public static List<Section> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Section> out = new ArrayList<>();
    String header = null;
    Map<String, String> values = null;
    for (String line : lines) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String h = null;
      if (line.startsWith("[")) {
        int end = line.indexOf(']');
        h = end > 0 ? (line.substring(1, end) + line.substring(end + 1)).trim() : line;
      } else if (line.startsWith("====")) {
        h = line.substring(4).trim();
      }
      if (h != null) {
        if (header != null) {
          out.add(new Section(header, Collections.unmodifiableMap(values)));
        }
        header = h;
        values = new LinkedHashMap<>();
        continue;
      }
      int eq = line.indexOf('=');
      if (values != null && eq > 0) {
        values.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1));
      }
    }
    if (header != null) {
      out.add(new Section(header, Collections.unmodifiableMap(values)));
    }
    return out;
  }
}
