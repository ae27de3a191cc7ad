package io.zt4j.node.vl2;

import io.zt4j.node.identity.Identity;
import io.zt4j.testkit.Environment;
import io.zt4j.testkit.MiniJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Access to the lab part of the ZeroTier One vectors for the VL2 tests. */
final class LabVectors {
  private LabVectors() {}

  static final long NWID = 0x2b53dd2a51a1b2c3L;
  static final long CTL = 0x2b53dd2a51L;
  static final long ROOT = 0x523be43e97L;
  static final long A = 0xd5f97e2e50L;
  static final long B = 0xfb8e8ac629L;
  static final List<String> RUNS = List.of("dualstack", "ipv4only");

  static Path run(String run) {
    return Environment.vectors().resolve("lab").resolve(run);
  }

  /** A lab node's identity (with secret) by name: root, ctl, a, b. */
  static Identity identity(String node) {
    try {
      String s = Files.readString(Environment.vectorFile("lab/ids/" + node + ".identity.secret")).trim();
      return Identity.fromString(s).orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One listing of {@code dictionaries.decoded.txt}: header and key → value text. */
  record Listing(String header, Map<String, String> values) {
    /** The file this listing describes, relative to the run directory, or null. */
    String file() {
      if (header.startsWith("state file ")) {
        return header.substring("state file ".length(), header.indexOf(" ("));
      }
      int i = header.indexOf("decoded/");
      if (i >= 0) {
        return header.substring(i, header.indexOf(" (", i));
      }
      return null;
    }

    /** For a binary value, its hex; for a text value, the text. */
    String value(String key) {
      String v = values.get(key);
      if (v == null) {
        throw new IllegalArgumentException(header + ": no " + key);
      }
      if (v.startsWith("[binary")) {
        return v.substring(v.indexOf("] ") + 2).trim();
      }
      return v;
    }
  }

  static List<Listing> listings(String run) {
    List<String> lines;
    try {
      lines = Files.readAllLines(run(run).resolve("decoded/dictionaries.decoded.txt"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Listing> out = new ArrayList<>();
    String header = null;
    Map<String, String> values = null;
    for (String line : lines) {
      if (line.startsWith("==== ")) {
        if (header != null) {
          out.add(new Listing(header, values));
        }
        header = line.substring(5);
        values = new LinkedHashMap<>();
      } else if (header != null && line.startsWith("  ") && line.contains(" = ")) {
        int eq = line.indexOf(" = ");
        values.put(line.substring(0, eq).trim(), line.substring(eq + 3));
      }
    }
    if (header != null) {
      out.add(new Listing(header, values));
    }
    return out;
  }

  /** The decoded packets of a run's underlay capture. */
  static List<Map<String, Object>> packets(String run) {
    try {
      List<Map<String, Object>> out = new ArrayList<>();
      for (String line : Files.readAllLines(run(run).resolve("decoded/underlay.packets.jsonl"))) {
        if (!line.isBlank()) {
          out.add(MiniJson.object(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
