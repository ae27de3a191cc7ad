package io.zt4j.controller.api;

import io.zt4j.controller.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The API token in {@code authtoken.secret}, as ZeroTier One keeps it: read (surrounding
 * whitespace trimmed) if the file exists, otherwise 24 random characters from
 * {@code [a-z0-9]} written to a new file readable by its owner only ({@code 0600}).
 */
public final class AuthToken {
  /** File name in the node's home directory. */
  public static final String FILE = "authtoken.secret";

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private AuthToken() {}

  /** The token of the node whose home is {@code home}, created if absent. */
  public static String loadOrCreate(Path home) throws IOException {
    Path f = home.resolve(FILE);
    if (Files.exists(f)) {
      String t = Files.readString(f, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw new IOException(f + " is empty");
      }
      return t;
    }
    AtomicFiles.createPrivateDirectories(home);
    SecureRandom r = new SecureRandom();
    StringBuilder sb = new StringBuilder(24);
    for (int i = 0; i < 24; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    AtomicFiles.write(f, sb.toString().getBytes(StandardCharsets.UTF_8));
    return sb.toString();
  }
}
