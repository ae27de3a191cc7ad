package io.zt4j.controller.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address with ZeroTier's 16-bit "port" field, which the controller uses for a
 * port, a prefix length (routes, assigned addresses) or nothing, written {@code ip/n}.
 *
 * <p>Text follows ZeroTier One's {@code InetAddress}: {@link #toIpString()} is what
 * {@code inet_ntop} prints (RFC 5952 for IPv6: lower case, the longest run of two or more zero
 * groups shortened to {@code ::}, IPv4-mapped/compatible tails dotted), and {@link #toString()}
 * always appends {@code /port}, as ZeroTier does for routes and rule addresses. Parsing is strict: only literal addresses,
 * never a name lookup. Immutable.
 */
public final class IpAddress implements Comparable<IpAddress> {
  private final byte[] bytes;
  private final int port;

  private IpAddress(byte[] bytes, int port) {
    this.bytes = bytes;
    this.port = port;
  }

  /** An address from its 4 or 16 bytes (copied) and port/prefix field. */
  public static IpAddress of(byte[] bytes, int port) {
    if (bytes.length != 4 && bytes.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return new IpAddress(bytes.clone(), port);
  }

  /** An IPv4 address from its 32-bit value. */
  public static IpAddress ipv4(long value, int port) {
    return of(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value}, port);
  }

  /**
   * Parses {@code ip} or {@code ip/n} (n decimal, 0..65535). IPv6 when the text holds a colon,
   * IPv4 otherwise.
   */
  public static Optional<IpAddress> parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    String ip = slash < 0 ? text : text.substring(0, slash);
    int port = 0;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      port = Integer.parseInt(p);
      if (port > 0xffff) {
        return Optional.empty();
      }
    }
    byte[] b = ip.indexOf(':') >= 0 ? parseV6(ip) : parseV4(ip);
    return b == null ? Optional.empty() : Optional.of(new IpAddress(b, port));
  }

  /** Like {@link #parse} but throws {@link IllegalArgumentException} naming the bad text. */
  public static IpAddress parseOrThrow(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text));
  }

  public boolean isV4() {
    return bytes.length == 4;
  }

  public boolean isV6() {
    return bytes.length == 16;
  }

  /** The address bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The port / prefix-length field. */
  public int port() {
    return port;
  }

  /** Same address, another port/prefix field. */
  public IpAddress withPort(int newPort) {
    return of(bytes, newPort);
  }

  /** The IPv4 address as an unsigned 32-bit value. */
  public long v4Value() {
    if (!isV4()) {
      throw new IllegalStateException("not IPv4: " + this);
    }
    return ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xffL) << 16) | ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
  }

  /** True when the port field is a valid prefix length for the family. */
  public boolean prefixValid() {
    return port <= bytes.length * 8;
  }

  /**
   * True when {@code other} (same family) lies in this network, taking this address's port
   * field as its prefix length; as ZeroTier's {@code containsAddress}, this address's host bits
   * are not masked for IPv6, so a target with host bits set contains nothing there.
   */
  public boolean contains(IpAddress other) {
    if (other.bytes.length != bytes.length) {
      return false;
    }
    int bits = Math.min(port, bytes.length * 8);
    if (isV4()) {
      if (bits == 0) {
        return true;
      }
      return (other.v4Value() >>> (32 - bits)) == (v4Value() >>> (32 - bits));
    }
    for (int i = 0; i < 16; i++) {
      int remaining = bits - i * 8;
      int mask = remaining >= 8 ? 0xff : remaining <= 0 ? 0 : (0xff << (8 - remaining)) & 0xff;
      if ((other.bytes[i] & mask) != (bytes[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  /** The address alone, as {@code inet_ntop} prints it. */
  public String toIpString() {
    if (isV4()) {
      return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
    }
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestBase = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestBase = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestBase = -1;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
        if (i == bestBase) {
          sb.append(':');
        }
        continue;
      }
      if (i != 0) {
        sb.append(':');
      }
      // An IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d) address ends dotted.
      if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
        sb.append(bytes[12] & 0xff).append('.').append(bytes[13] & 0xff).append('.')
            .append(bytes[14] & 0xff).append('.').append(bytes[15] & 0xff);
        break;
      }
      sb.append(Integer.toHexString(w[i]));
    }
    if (bestBase >= 0 && bestBase + bestLen == 8) {
      sb.append(':');
    }
    return sb.toString();
  }

  /** {@code ip/port}, the port always written (ZeroTier's {@code toString}). */
  @Override
  public String toString() {
    return toIpString() + "/" + port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.port == port && Arrays.equals(a.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes) * 31 + port;
  }

  /** IPv4 before IPv6, then by address bytes, then port. */
  @Override
  public int compareTo(IpAddress o) {
    if (bytes.length != o.bytes.length) {
      return bytes.length - o.bytes.length;
    }
    int c = Arrays.compareUnsigned(bytes, o.bytes);
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  private static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return null; // inet_pton refuses leading zeros
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      b[i] = (byte) v;
    }
    return b;
  }

  private static byte[] parseV6(String s) {
    byte[] out = new byte[16];
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    byte[] h = groups(head, dbl < 0);
    byte[] t = dbl >= 0 ? groups(tail, true) : new byte[0];
    if (h == null || t == null) {
      return null;
    }
    if (dbl < 0) {
      return h.length == 16 ? h : null;
    }
    if (h.length + t.length > 14) {
      return null;
    }
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(t, 0, out, 16 - t.length, t.length);
    return out;
  }

  /** Colon-separated hex groups, the last may be a dotted IPv4 address when allowed. */
  private static byte[] groups(String s, boolean v4TailAllowed) {
    if (s.isEmpty()) {
      return new byte[0];
    }
    String[] g = s.split(":", -1);
    byte[] out = new byte[g.length * 2 + 2];
    int n = 0;
    for (int i = 0; i < g.length; i++) {
      String p = g[i];
      if (i == g.length - 1 && v4TailAllowed && p.indexOf('.') >= 0) {
        byte[] v4 = parseV4(p);
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, out, n, 4);
        n += 4;
        break;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = (v << 4) | d;
      }
      out[n++] = (byte) (v >>> 8);
      out[n++] = (byte) v;
    }
    return n > 16 ? null : Arrays.copyOf(out, n);
  }
}
