package io.zt4j.node.sim;

import io.zt4j.node.identity.Identity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-generated throw-away identities (generating one costs about a second of memory-hard
 * hashing, too slow to do per test). {@code identities.txt} holds one secret identity per line.
 */
public final class TestIdentities {
  private static List<Identity> all;

  private TestIdentities() {}

  public static synchronized List<Identity> all() {
    if (all == null) {
      List<Identity> ids = new ArrayList<>();
      try (InputStream in = TestIdentities.class.getResourceAsStream("identities.txt");
          BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (!line.isBlank()) {
            ids.add(Identity.fromString(line.strip()).orElseThrow());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      all = List.copyOf(ids);
    }
    return all;
  }

  public static Identity get(int i) {
    return all().get(i);
  }
}
