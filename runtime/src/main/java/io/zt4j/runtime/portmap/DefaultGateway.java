package io.zt4j.runtime.portmap;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The IPv4 default gateway, from Linux's {@code /proc/net/route} (what libnatpmp reads on Linux).
 * Used only when port mapping is enabled and no gateway was given.
 */
public final class DefaultGateway {
  /** The routing table is read up to this size (a few hundred bytes per route). */
  static final int MAX_BYTES = 64 * 1024;
  private static final int RTF_UP = 0x1;
  private static final int RTF_GATEWAY = 0x2;

  private DefaultGateway() {}

  /** The default gateway of this host, if {@code /proc/net/route} names one. */
  public static Optional<Inet4Address> read() {
    Path p = Path.of("/proc/net/route");
    try (InputStream in = Files.newInputStream(p)) {
      return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.US_ASCII));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * The gateway of the first up default route (destination and mask 0) in a
   * {@code /proc/net/route} table: whitespace-separated columns {@code Iface Destination Gateway
   * Flags RefCnt Use Metric Mask …}, addresses as 8 hex digits in host (little-endian) byte order.
   * Lines that do not fit are skipped.
   */
  static Optional<Inet4Address> parse(String table) {
    String[] lines = table.split("\n", 4096);
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
        continue;
      }
      try {
        int flags = Integer.parseInt(f[3], 16);
        if ((flags & (RTF_UP | RTF_GATEWAY)) != (RTF_UP | RTF_GATEWAY) || f[2].length() != 8) {
          continue;
        }
        long le = Long.parseLong(f[2], 16);
        byte[] ip = {(byte) le, (byte) (le >>> 8), (byte) (le >>> 16), (byte) (le >>> 24)};
        if (le == 0) {
          continue;
        }
        return Optional.of((Inet4Address) InetAddress.getByAddress(ip));
      } catch (NumberFormatException | UnknownHostException e) {
        // not a route line
      }
    }
    return Optional.empty();
  }
}
