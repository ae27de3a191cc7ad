package io.zt4j.service.cli.idtool;

import io.zt4j.node.identity.Identity;
import io.zt4j.runtime.StateDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the idtool subcommands share: argument conventions of zerotier-idtool, files, help. */
final class IdtoolSupport {
  private IdtoolSupport() {}

  /** Identity files and signature files are small; refuse to read huge ones as identities. */
  static final int MAX_IDENTITY_FILE_BYTES = 64 * 1024;

  /**
   * zerotier-idtool's rule for an identity argument: longer than 32 characters with ':' at
   * index 10 is the identity itself; anything else names a file holding it. Surrounding
   * whitespace in a file (a trailing newline from an editor) is ignored.
   */
  static Optional<Identity> identityFromArg(String arg) {
    if (arg.length() > 32 && arg.charAt(10) == ':') {
      return Identity.fromString(arg);
    }
    return readSmallFile(Path.of(arg)).flatMap(b -> Identity.fromString(new String(b, StandardCharsets.ISO_8859_1).strip()));
  }

  /** The whole file, or empty if it cannot be read or is larger than the identity limit. */
  static Optional<byte[]> readSmallFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(MAX_IDENTITY_FILE_BYTES + 1);
      return b.length > MAX_IDENTITY_FILE_BYTES ? Optional.empty() : Optional.of(b);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The whole file, or empty if it cannot be read. */
  static Optional<byte[]> readFile(Path file) {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      return Optional.empty();
    }
  }

  /**
   * Writes {@code data} to {@code file} atomically (temporary file in the same directory, then
   * rename); a secret gets mode 0600. Returns false if it could not be written; the directory
   * must exist, as for zerotier-idtool.
   */
  static boolean writeFile(Path file, byte[] data, boolean secret) {
    Path abs = file.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir) || Files.isDirectory(abs)) {
      return false;
    }
    try {
      StateDirectory.open(dir).writeFile(abs, data, secret);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * ZeroTier's lenient hex decoding ({@code Utils::unhex}): pairs of characters up to the end
   * or {@code max} bytes, where a character that is not a hex digit counts as 0 and an odd last
   * character is dropped.
   */
  static byte[] unhex(String s, int max) {
    int n = Math.min(s.length() / 2, max);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) ((nibble(s.charAt(2 * i)) << 4) | nibble(s.charAt(2 * i + 1)));
    }
    return out;
  }

  private static int nibble(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return 0;
  }

  /**
   * An unsigned hex number as {@code strtoull(s, 0, 16)} reads it: leading blanks, optional
   * {@code 0x}, hex digits up to the first other character (0 if none); saturates when too large.
   */
  static long hexPrefixToLong(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    if (i + 2 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x'
        && Character.digit(s.charAt(i + 2), 16) >= 0 && s.charAt(i + 2) < 0x80) {
      i += 2;
    }
    long v = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      int d = c < 0x80 ? Character.digit(c, 16) : -1;
      if (d < 0) {
        break;
      }
      if ((v >>> 60) != 0) {
        return -1L;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static void printHelp(PrintWriter out) {
    out.print(String.join(System.lineSeparator(),
        "zt4j idtool: ZeroTier identity tool (drop-in for zerotier-idtool, ZeroTier One 1.14 formats)",
        "Usage: zt4j idtool <command> [<args>]",
        "",
        "Commands:",
        "  generate [<identity.secret>] [<identity.public>] [<vanity>]",
        "  validate <identity.secret/public>",
        "  getpublic <identity.secret>",
        "  sign <identity.secret> <file>",
        "  verify <identity.secret/public> <file> <signature>",
        "  initmoon <identity.public of first seed>",
        "  genmoon <moon json>",
        "  mkworld <world json>     (private planet; keys in previous.c25519/current.c25519)",
        "",
        "An identity argument is the identity string itself or a file containing it.",
        "genmoon and mkworld write into the current directory (or -C <dir>).",
        ""));
    out.flush();
  }
}
