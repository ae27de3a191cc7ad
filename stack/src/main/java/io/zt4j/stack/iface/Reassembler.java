package io.zt4j.stack.iface;

import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IPv4 and IPv6 fragment reassembly (RFC 791 §3.2, RFC 815, RFC 8200 §4.5) with bounded memory:
 * at most {@link #MAX_DATAGRAMS} datagrams in progress and {@link #MAX_BYTES} of buffers (the
 * oldest datagram is evicted when a new fragment needs room), at most
 * {@link #MAX_FRAGMENTS} fragments each, and a {@link #TIMEOUT_NANOS} lifetime.
 *
 * <p>Overlapping fragments discard the whole datagram (RFC 5722, applied to IPv4 too, as modern
 * kernels do); an exact duplicate of a fragment already held is ignored. Data is kept in one
 * buffer per datagram with {@link #HEADROOM} bytes in front, so the completed packet is rebuilt
 * in place by writing its IP header before the data.
 *
 * <p>Owner-thread only. Buffers handed out by {@link #add} belong to the reassembler again once
 * the caller returns.
 */
final class Reassembler {
  static final int MAX_DATAGRAMS = 64;
  static final int MAX_BYTES = 1 << 20;
  static final int MAX_FRAGMENTS = 64;
  /** Linux uses 30 s for both families (RFC 8200 says 60 s at most). */
  static final long TIMEOUT_NANOS = 30_000_000_000L;
  /** Room for the rebuilt IP header (an IPv4 header with options is at most 60 bytes). */
  static final int HEADROOM = 64;

  /** A datagram being reassembled. After completion {@code buf} holds the data at HEADROOM. */
  static final class Datagram {
    int version;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int id;
    int protocol;
    int interfaceIndex;
    byte[] buf = new byte[0];
    final int[] starts = new int[MAX_FRAGMENTS];
    final int[] ends = new int[MAX_FRAGMENTS];
    int count;
    /** Length of the reassembled data once the last fragment arrived, else -1. */
    int totalLength = -1;
    long expiresAt;
    /** The first fragment's IP header (for rebuilding and for ICMP time exceeded). */
    byte[] firstHeader;

    boolean matches(int v, long sh, long sl, long dh, long dl, int ident, int proto, int ifIndex) {
      return version == v && id == ident && protocol == proto && srcHi == sh && srcLo == sl && dstHi == dh
          && dstLo == dl && interfaceIndex == ifIndex;
    }
  }

  private final StackStats stats;
  private final List<Datagram> inProgress = new ArrayList<>();
  private int bytes;

  Reassembler(StackStats stats) {
    this.stats = stats;
  }

  int datagramsInProgress() {
    return inProgress.size();
  }

  int bytesHeld() {
    return bytes;
  }

  /**
   * Adds one fragment: data {@code buf[off, off+len)} at byte {@code fragOffset} of the
   * original datagram's payload. {@code header[hOff, hOff+hLen)} is the fragment's IP header
   * (kept when this is the first fragment).
   *
   * @return the completed datagram (valid until the next call), or null
   */
  Datagram add(
      int version, long srcHi, long srcLo, long dstHi, long dstLo, int id, int protocol, int interfaceIndex,
      int fragOffset, boolean more, byte[] buf, int off, int len, byte[] header, int hOff, int hLen, long now) {
    stats.count(Counter.FRAGMENTS_IN);
    int end = fragOffset + len;
    int maxData = version == 4 ? 65535 - hLen : 65535;
    if (end > maxData || (more && (len & 7) != 0) || (more && len == 0)) {
      stats.count(Counter.DROP_FRAGMENT_TOO_BIG);
      return null;
    }
    Datagram d = find(version, srcHi, srcLo, dstHi, dstLo, id, protocol, interfaceIndex);
    if (d == null) {
      if (inProgress.size() >= MAX_DATAGRAMS) {
        evictOldest(null);
      }
      d = new Datagram();
      d.version = version;
      d.srcHi = srcHi;
      d.srcLo = srcLo;
      d.dstHi = dstHi;
      d.dstLo = dstLo;
      d.id = id;
      d.protocol = protocol;
      d.interfaceIndex = interfaceIndex;
      d.expiresAt = now + TIMEOUT_NANOS;
      inProgress.add(d);
    }
    // Duplicates and overlaps.
    for (int i = 0; i < d.count; i++) {
      if (d.starts[i] == fragOffset && d.ends[i] == end) {
        return null; // exact duplicate (e.g. a retransmitted copy): ignore
      }
      if (fragOffset < d.ends[i] && d.starts[i] < end) {
        discard(d, Counter.DROP_FRAGMENT_OVERLAP);
        return null;
      }
    }
    if (!more) {
      if (d.totalLength >= 0 && d.totalLength != end) {
        discard(d, Counter.DROP_FRAGMENT_OVERLAP);
        return null;
      }
      for (int i = 0; i < d.count; i++) {
        if (d.ends[i] > end) {
          discard(d, Counter.DROP_FRAGMENT_OVERLAP);
          return null;
        }
      }
      d.totalLength = end;
    } else if (d.totalLength >= 0 && end > d.totalLength) {
      discard(d, Counter.DROP_FRAGMENT_OVERLAP);
      return null;
    }
    if (d.count >= MAX_FRAGMENTS) {
      discard(d, Counter.DROP_FRAGMENT_NO_MEMORY);
      return null;
    }
    if (!ensureCapacity(d, HEADROOM + end)) {
      discard(d, Counter.DROP_FRAGMENT_NO_MEMORY);
      return null;
    }
    System.arraycopy(buf, off, d.buf, HEADROOM + fragOffset, len);
    insertRange(d, fragOffset, end);
    if (fragOffset == 0) {
      d.firstHeader = Arrays.copyOfRange(header, hOff, hOff + hLen);
    }
    if (d.totalLength < 0 || d.firstHeader == null || !covered(d)) {
      return null;
    }
    inProgress.remove(d);
    bytes -= d.buf.length;
    stats.count(Counter.REASSEMBLED);
    return d;
  }

  /** Removes timed-out datagrams; those that had their first fragment are passed to {@code expired}. */
  void poll(long now, java.util.function.Consumer<Datagram> expired) {
    for (int i = inProgress.size() - 1; i >= 0; i--) {
      Datagram d = inProgress.get(i);
      if (now >= d.expiresAt) {
        inProgress.remove(i);
        bytes -= d.buf.length;
        stats.count(Counter.DROP_FRAGMENT_TIMEOUT);
        if (d.firstHeader != null) {
          expired.accept(d);
        }
      }
    }
  }

  long pollAt() {
    long at = Long.MAX_VALUE;
    for (Datagram d : inProgress) {
      at = Math.min(at, d.expiresAt);
    }
    return at;
  }

  private Datagram find(int v, long sh, long sl, long dh, long dl, int id, int proto, int ifIndex) {
    for (Datagram d : inProgress) {
      if (d.matches(v, sh, sl, dh, dl, id, proto, ifIndex)) {
        return d;
      }
    }
    return null;
  }

  private boolean ensureCapacity(Datagram d, int need) {
    if (d.buf.length >= need) {
      return true;
    }
    int cap = Math.max(need, Math.min(HEADROOM + 65535, Math.max(2048, d.buf.length * 2)));
    int grow = cap - d.buf.length;
    while (bytes + grow > MAX_BYTES && evictOldest(d)) {
      // evicted someone else's buffer
    }
    if (bytes + grow > MAX_BYTES) {
      return false;
    }
    d.buf = Arrays.copyOf(d.buf, cap);
    bytes += grow;
    return true;
  }

  private boolean evictOldest(Datagram keep) {
    Datagram oldest = null;
    for (Datagram d : inProgress) {
      if (d != keep && (oldest == null || d.expiresAt < oldest.expiresAt)) {
        oldest = d;
      }
    }
    if (oldest == null) {
      return false;
    }
    discard(oldest, Counter.DROP_FRAGMENT_NO_MEMORY);
    return true;
  }

  private void discard(Datagram d, Counter why) {
    if (inProgress.remove(d)) {
      bytes -= d.buf.length;
    }
    stats.count(why);
  }

  private static void insertRange(Datagram d, int s, int e) {
    int i = d.count;
    while (i > 0 && d.starts[i - 1] > s) {
      d.starts[i] = d.starts[i - 1];
      d.ends[i] = d.ends[i - 1];
      i--;
    }
    d.starts[i] = s;
    d.ends[i] = e;
    d.count++;
  }

  private static boolean covered(Datagram d) {
    int reach = 0;
    for (int i = 0; i < d.count; i++) {
      if (d.starts[i] > reach) {
        return false;
      }
      reach = Math.max(reach, d.ends[i]);
    }
    return reach == d.totalLength;
  }
}
