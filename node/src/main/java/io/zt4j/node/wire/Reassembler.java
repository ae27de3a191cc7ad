package io.zt4j.node.wire;

import java.util.Objects;

/**
 * Reassembles fragmented ZeroTier packets from their head and {@link Fragment}s, which may arrive
 * in any order, duplicated, or never.
 *
 * <p>Bounded: at most {@code maxPending} packets are pending (ZeroTier One keeps a ring of 32); a
 * new one evicts the oldest. Each pending packet holds at most {@link Packet#MAX_LENGTH} bytes in a
 * buffer allocated once per slot. A pending packet not completed within {@code timeoutMillis}
 * of its first piece is dropped. Time is passed in. Every refused or discarded datagram is
 * counted by {@link Drop} reason; no method throws for bad bytes.
 *
 * <p>Like ZeroTier One it matches pieces by packet ID only (fragments carry no source). It does
 * not authenticate: the reassembled packet is dearmoured afterwards.
 *
 * <p>Not thread-safe: owned by the node's loop thread. The caller owns all buffers; results are
 * copied into the caller's {@code out} array (capacity ≥ {@link Packet#MAX_LENGTH} recommended).
 */
public final class Reassembler {
  /** Returned by the {@code offer} methods when the piece was kept and the packet is incomplete. */
  public static final int PENDING = 0;
  /** Returned by the {@code offer} methods when the datagram was dropped (see counters). */
  public static final int DROPPED = -1;

  /** Why a datagram or a pending packet was discarded. */
  public enum Drop {
    /** Not a head or fragment, bad fragment number/total, totals that disagree. */
    MALFORMED,
    /** Same piece seen twice. */
    DUPLICATE,
    /** Pieces add up to more than {@link Packet#MAX_LENGTH}, or the caller's output is too small. */
    TOO_LARGE,
    /** Pending packet timed out (counted once per packet). */
    EXPIRED,
    /** Pending packet evicted to make room (counted once per packet). */
    EVICTED
  }

  private final int maxPending;
  private final long timeoutMillis;
  private final Slot[] slots;
  private final long[] drops = new long[Drop.values().length];
  private long reassembled;

  private static final class Slot {
    boolean used;
    long packetId;
    long firstAt;
    int total; // 0 = unknown (only the head seen)
    int have; // bit i set = piece i present (0 = head)
    final int[] pieceOff = new int[Packet.MAX_FRAGMENTS];
    final int[] pieceLen = new int[Packet.MAX_FRAGMENTS];
    int usedBytes;
    byte[] data;
  }

  /**
   * @param maxPending most packets pending at once (ZeroTier: 32)
   * @param timeoutMillis how long a pending packet waits for its pieces (ZeroTier: 5000)
   */
  public Reassembler(int maxPending, long timeoutMillis) {
    if (maxPending < 1 || maxPending > 4096 || timeoutMillis <= 0) {
      throw new IllegalArgumentException("maxPending " + maxPending + ", timeout " + timeoutMillis);
    }
    this.maxPending = maxPending;
    this.timeoutMillis = timeoutMillis;
    this.slots = new Slot[maxPending];
    for (int i = 0; i < maxPending; i++) {
      slots[i] = new Slot();
    }
  }

  /** A reassembler with ZeroTier One's limits: 32 pending packets, 5 s. */
  public static Reassembler withZeroTierDefaults() {
    return new Reassembler(32, 5000);
  }

  /**
   * Takes any datagram addressed to this node. An unfragmented packet is copied to {@code out} and
   * its length returned; a head or fragment is kept, and when it completes a packet the whole
   * packet is written to {@code out[outOff..]} and its length returned. Otherwise {@link #PENDING}
   * or {@link #DROPPED}.
   */
  public int offer(byte[] dgram, int off, int len, long nowMillis, byte[] out, int outOff) {
    if (dgram == null || off < 0 || len < 0 || off > dgram.length - len) {
      return drop(Drop.MALFORMED);
    }
    if (Packet.isFragment(dgram, off, len)) {
      return offerFragment(dgram, off, len, nowMillis, out, outOff);
    }
    if (len < Packet.MIN_LENGTH) {
      return drop(Drop.MALFORMED);
    }
    if ((dgram[off + Packet.IDX_FLAGS] & Packet.FLAG_FRAGMENTED) != 0) {
      return offerHead(dgram, off, len, nowMillis, out, outOff);
    }
    if (len > Packet.MAX_LENGTH || out.length - outOff < len || outOff < 0) {
      return drop(Drop.TOO_LARGE);
    }
    System.arraycopy(dgram, off, out, outOff, len);
    return len;
  }

  /** Takes the head of a fragmented packet (a packet with the fragmented flag). */
  public int offerHead(byte[] dgram, int off, int len, long nowMillis, byte[] out, int outOff) {
    if (dgram == null || off < 0 || len < Packet.MIN_LENGTH || off > dgram.length - len) {
      return drop(Drop.MALFORMED);
    }
    expire(nowMillis);
    return add(Packet.packetId(dgram, off), 0, 0, dgram, off, len, nowMillis, out, outOff);
  }

  /** Takes a fragment (byte 13 = 0xff). */
  public int offerFragment(byte[] dgram, int off, int len, long nowMillis, byte[] out, int outOff) {
    Parsed<Fragment> f = Fragment.parse(dgram, off, len);
    if (!f.isOk()) {
      return drop(Drop.MALFORMED);
    }
    expire(nowMillis);
    Fragment fr = f.value();
    return add(fr.packetId(), fr.number(), fr.total(), dgram, off + Fragment.HEADER_LENGTH,
        len - Fragment.HEADER_LENGTH, nowMillis, out, outOff);
  }

  private int add(long packetId, int number, int total, byte[] src, int srcOff, int n,
      long now, byte[] out, int outOff) {
    Slot s = find(packetId);
    if (s == null) {
      s = claim(now);
      s.used = true;
      s.packetId = packetId;
      s.firstAt = now;
      s.total = 0;
      s.have = 0;
      s.usedBytes = 0;
      if (s.data == null) {
        s.data = new byte[Packet.MAX_LENGTH];
      }
    }
    if ((s.have & (1 << number)) != 0) {
      return drop(Drop.DUPLICATE);
    }
    if (total != 0) {
      if (s.total != 0 && s.total != total) {
        return drop(Drop.MALFORMED);
      }
      if ((s.have >>> total) != 0) { // a fragment number already seen is beyond this total
        return drop(Drop.MALFORMED);
      }
      s.total = total;
    }
    if (s.usedBytes + n > Packet.MAX_LENGTH) {
      s.used = false;
      return drop(Drop.TOO_LARGE);
    }
    System.arraycopy(src, srcOff, s.data, s.usedBytes, n);
    s.pieceOff[number] = s.usedBytes;
    s.pieceLen[number] = n;
    s.usedBytes += n;
    s.have |= 1 << number;
    if (s.total == 0 || s.have != (1 << s.total) - 1) {
      return PENDING;
    }
    s.used = false;
    if (out == null || outOff < 0 || out.length - outOff < s.usedBytes) {
      return drop(Drop.TOO_LARGE);
    }
    int p = outOff;
    for (int i = 0; i < s.total; i++) {
      System.arraycopy(s.data, s.pieceOff[i], out, p, s.pieceLen[i]);
      p += s.pieceLen[i];
    }
    reassembled++;
    return p - outOff;
  }

  private Slot find(long packetId) {
    for (Slot s : slots) {
      if (s.used && s.packetId == packetId) {
        return s;
      }
    }
    return null;
  }

  private Slot claim(long now) {
    Slot oldest = null;
    for (Slot s : slots) {
      if (!s.used) {
        return s;
      }
      if (oldest == null || s.firstAt < oldest.firstAt) {
        oldest = s;
      }
    }
    drops[Drop.EVICTED.ordinal()]++;
    oldest.used = false;
    return oldest;
  }

  /** Drops pending packets older than the timeout. Called by every offer; call it from timers too. */
  public void expire(long nowMillis) {
    for (Slot s : slots) {
      if (s.used && nowMillis - s.firstAt >= timeoutMillis) {
        s.used = false;
        drops[Drop.EXPIRED.ordinal()]++;
      }
    }
  }

  /** When the next pending packet expires, or {@code Long.MAX_VALUE} if none is pending. */
  public long nextDeadline() {
    long d = Long.MAX_VALUE;
    for (Slot s : slots) {
      if (s.used) {
        d = Math.min(d, s.firstAt + timeoutMillis);
      }
    }
    return d;
  }

  /** Packets currently pending. */
  public int pending() {
    int n = 0;
    for (Slot s : slots) {
      if (s.used) {
        n++;
      }
    }
    return n;
  }

  /** How many datagrams/packets were dropped for {@code reason}. */
  public long drops(Drop reason) {
    return drops[Objects.requireNonNull(reason).ordinal()];
  }

  /** Packets completed so far. */
  public long reassembled() {
    return reassembled;
  }

  public int maxPending() {
    return maxPending;
  }

  private int drop(Drop reason) {
    drops[reason.ordinal()]++;
    return DROPPED;
  }
}
