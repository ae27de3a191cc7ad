package io.zt4j.node.wire;

import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.node.identity.Identity;
import io.zt4j.testkit.Environment;
import io.zt4j.testkit.MiniJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The lab captures of the vectors and the keys to read them. */
final class LabCaptures {
  static final String[] RUNS = {"dualstack", "ipv4only"};

  private LabCaptures() {}

  /** Lab identities (with secrets) by address. */
  static Map<Long, Identity> identities() {
    Path dir = Environment.vectorFile("lab/ids");
    Map<Long, Identity> out = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().endsWith(".identity.secret")) {
          Identity id = Identity.fromString(Files.readString(p)).orElseThrow();
          out.put(id.address().toLong(), id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A key cache: the symmetric key for an (unordered) pair of lab addresses. */
  static final class Keys {
    private final Map<Long, Identity> ids = identities();
    private final Map<String, SymmetricKey> cache = new HashMap<>();

    SymmetricKey between(long a, long b) {
      String k = Math.min(a, b) + "-" + Math.max(a, b);
      return cache.computeIfAbsent(k, x -> ids.get(a).agree(ids.get(b)).orElseThrow());
    }
  }

  /** The decoded packets of one run, one JSON object each. */
  static List<Map<String, Object>> packets(String run) {
    Path f = Environment.vectorFile("lab/" + run + "/decoded/underlay.packets.jsonl");
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(f)) {
        if (!line.isBlank()) {
          out.add(MiniJson.object(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
