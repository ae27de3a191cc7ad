package io.zt4j.node.vl1;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of what VL1 did with what it received: packets by verb, and drops by reason. Every
 * datagram that is not processed is counted here exactly once, under the reason it was dropped.
 *
 * <p>Owned by the node thread; {@link #snapshot()} gives an immutable copy for other threads.
 */
public final class Vl1Counters {
  /** Why an incoming datagram or packet was not processed. */
  public enum Drop {
    /** Shorter than a fragment header, or otherwise not a ZeroTier datagram. */
    RUNT,
    /** A legacy LAN beacon we do not answer (unknown peer, rate limit, path refused). */
    BEACON_IGNORED,
    /** Claims to come from our own address. */
    FROM_SELF,
    /** Relaying refused: we are not a root and the path is not trusted. */
    RELAY_NOT_ALLOWED,
    /** Relaying refused: the hop count reached {@code ZT_RELAY_MAX_HOPS}. */
    RELAY_MAX_HOPS,
    /** Relaying failed: no path to the destination or to an upstream. */
    RELAY_NO_ROUTE,
    /** A fragment with an impossible number or count. */
    BAD_FRAGMENT,
    /** A fragment that duplicates one already held. */
    DUPLICATE_FRAGMENT,
    /** Fragments or a packet waiting for WHOIS expired or were pushed out of the full queue. */
    RX_QUEUE_EXPIRED,
    /** Cipher suite 2 (trusted path) on a path not configured as trusted. */
    UNTRUSTED_PATH,
    /** MAC check (Poly1305 or AES-GMAC-SIV) failed. */
    AUTHENTICATION_FAILED,
    /** Unknown cipher suite number. */
    UNKNOWN_CIPHER,
    /** LZ4 payload would not decompress within the packet size. */
    DECOMPRESSION_FAILED,
    /** A field ran past the end of the payload or held an impossible value. */
    MALFORMED,
    /** HELLO with protocol older than {@code ZT_PROTO_VERSION_MIN}. */
    UNSUPPORTED_VERSION,
    /** HELLO whose identity does not hash to its address, or its source address. */
    INVALID_IDENTITY,
    /** HELLO from another identity with an address we know (answered with an ERROR). */
    IDENTITY_COLLISION,
    /** Expensive identity work refused by the per-source rate limit. */
    RATE_LIMITED,
    /** OK for a packet id we did not send (or forgot). */
    UNEXPECTED_REPLY,
    /** A verb we do not handle (authenticated; counted and otherwise ignored). */
    UNKNOWN_VERB,
    /** Sending: a packet waited for WHOIS longer than the transmit queue timeout. */
    TX_QUEUE_EXPIRED,
    /** A peer cache entry could not be parsed. */
    CORRUPT_PEER_CACHE
  }

  private final long[] drops = new long[Drop.values().length];
  private final long[] verbsIn = new long[Verbs.COUNT];
  private final long[] verbsOut = new long[Verbs.COUNT];
  private long datagramsIn;
  private long datagramsOut;
  private long relayed;

  void count(Drop d) {
    drops[d.ordinal()]++;
  }

  void verbIn(int verb) {
    verbsIn[verb & 0x1f]++;
  }

  void verbOut(int verb) {
    verbsOut[verb & 0x1f]++;
  }

  void datagramIn() {
    datagramsIn++;
  }

  void datagramOut() {
    datagramsOut++;
  }

  void relayed() {
    relayed++;
  }

  public long drops(Drop d) {
    return drops[d.ordinal()];
  }

  /** An immutable copy. */
  public Snapshot snapshot() {
    Map<Drop, Long> d = new EnumMap<>(Drop.class);
    for (Drop x : Drop.values()) {
      if (drops[x.ordinal()] != 0) {
        d.put(x, drops[x.ordinal()]);
      }
    }
    return new Snapshot(datagramsIn, datagramsOut, relayed, Map.copyOf(d), verbsIn.clone(), verbsOut.clone());
  }

  /**
   * Counters at one moment.
   *
   * @param verbsIn authenticated packets received, indexed by verb code
   * @param verbsOut packets sent (before fragmentation), indexed by verb code
   */
  public record Snapshot(long datagramsIn, long datagramsOut, long relayed, Map<Drop, Long> drops,
      long[] verbsIn, long[] verbsOut) {
    public long drops(Drop d) {
      return drops.getOrDefault(d, 0L);
    }

    public long totalDrops() {
      long t = 0;
      for (long v : drops.values()) {
        t += v;
      }
      return t;
    }

    public long in(int verb) {
      return verbsIn[verb];
    }

    public long out(int verb) {
      return verbsOut[verb];
    }
  }
}
