package io.zt4j.stack.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes Neighbor Discovery options (RFC 4861 §4.6).
 *
 * <pre>
 * +-------+-------+-------------------------------+
 * | Type  |Length |  value ...   (Length x 8 bytes in total, Length 0 is invalid)
 * +-------+-------+-------------------------------+
 * 1 Source Link-Layer Address, 2 Target Link-Layer Address: 6-byte MAC (Length 1)
 * 3 Prefix Information (Length 4): prefix len, L|A flags, valid, preferred lifetime, prefix
 * 5 MTU (Length 1): reserved (2), MTU (4)
 * </pre>
 *
 * <p>A reusable reader: {@link #parse} fills the public fields. Unknown options are skipped
 * (RFC 4861 §4.6). At most {@link #MAX_PREFIXES} prefixes are kept. Not thread-safe.
 */
public final class NdpOptions {
  public static final int SOURCE_LL_ADDR = 1;
  public static final int TARGET_LL_ADDR = 2;
  public static final int PREFIX_INFO = 3;
  public static final int REDIRECTED_HEADER = 4;
  public static final int MTU = 5;
  public static final int MAX_PREFIXES = 8;
  public static final int PREFIX_ON_LINK = 0x80;
  public static final int PREFIX_AUTONOMOUS = 0x40;

  /** Link-layer addresses found, or -1. */
  public long sourceMac;
  public long targetMac;
  /** MTU option value, or -1. */
  public long mtu;
  public int prefixCount;
  public final int[] prefixLength = new int[MAX_PREFIXES];
  public final int[] prefixFlags = new int[MAX_PREFIXES];
  public final long[] prefixValidLifetime = new long[MAX_PREFIXES];
  public final long[] prefixPreferredLifetime = new long[MAX_PREFIXES];
  public final long[] prefixHi = new long[MAX_PREFIXES];
  public final long[] prefixLo = new long[MAX_PREFIXES];

  /** Parses {@code buf[off, end)}; false when an option has length 0 or runs past the end. */
  public boolean parse(byte[] buf, int off, int end) {
    sourceMac = -1;
    targetMac = -1;
    mtu = -1;
    prefixCount = 0;
    int p = off;
    while (p < end) {
      if (end - p < 2) {
        return false;
      }
      int type = buf[p] & 0xFF;
      int olen = (buf[p + 1] & 0xFF) * 8;
      if (olen == 0 || olen > end - p) {
        return false;
      }
      switch (type) {
        case SOURCE_LL_ADDR -> sourceMac = Bytes.u48(buf, p + 2);
        case TARGET_LL_ADDR -> targetMac = Bytes.u48(buf, p + 2);
        case MTU -> mtu = Bytes.u32(buf, p + 4);
        case PREFIX_INFO -> {
          if (olen < 32) {
            return false;
          }
          if (prefixCount < MAX_PREFIXES) {
            int i = prefixCount++;
            prefixLength[i] = buf[p + 2] & 0xFF;
            prefixFlags[i] = buf[p + 3] & 0xFF;
            prefixValidLifetime[i] = Bytes.u32(buf, p + 4);
            prefixPreferredLifetime[i] = Bytes.u32(buf, p + 8);
            prefixHi[i] = Bytes.i64(buf, p + 16);
            prefixLo[i] = Bytes.i64(buf, p + 24);
          }
        }
        default -> {} // RFC 4861 §4.6: silently ignore unknown options
      }
      p += olen;
    }
    return true;
  }

  /** The prefixes as records (allocates; for tests and control paths). */
  public List<PrefixInfo> prefixes() {
    List<PrefixInfo> l = new ArrayList<>(prefixCount);
    for (int i = 0; i < prefixCount; i++) {
      l.add(new PrefixInfo(
          new IpPrefix(IpAddress.of(prefixHi[i], prefixLo[i]), Math.min(prefixLength[i], 128)),
          (prefixFlags[i] & PREFIX_ON_LINK) != 0, (prefixFlags[i] & PREFIX_AUTONOMOUS) != 0, prefixValidLifetime[i],
          prefixPreferredLifetime[i]));
    }
    return l;
  }

  /** One Prefix Information option. Lifetimes in seconds (0xffffffff = infinite). */
  public record PrefixInfo(IpPrefix prefix, boolean onLink, boolean autonomous, long validLifetime, long preferredLifetime) {
    public int emit(byte[] buf, int off) {
      buf[off] = PREFIX_INFO;
      buf[off + 1] = 4;
      buf[off + 2] = (byte) prefix.length();
      buf[off + 3] = (byte) ((onLink ? PREFIX_ON_LINK : 0) | (autonomous ? PREFIX_AUTONOMOUS : 0));
      Bytes.put32(buf, off + 4, (int) validLifetime);
      Bytes.put32(buf, off + 8, (int) preferredLifetime);
      Bytes.put32(buf, off + 12, 0);
      prefix.address().write(buf, off + 16);
      return 32;
    }
  }

  /** Writes a link-layer address option (type 1 or 2) for an Ethernet MAC; returns 8. */
  public static int writeLinkLayerAddress(byte[] buf, int off, int type, long mac) {
    buf[off] = (byte) type;
    buf[off + 1] = 1;
    Bytes.put48(buf, off + 2, mac);
    return 8;
  }

  /** Writes an MTU option; returns 8. */
  public static int writeMtu(byte[] buf, int off, long mtu) {
    buf[off] = MTU;
    buf[off + 1] = 1;
    Bytes.put16(buf, off + 2, 0);
    Bytes.put32(buf, off + 4, (int) mtu);
    return 8;
  }
}
