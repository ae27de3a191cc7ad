package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.MIN_UNITE_INTERVAL_MILLIS;

import java.util.HashMap;
import java.util.Map;

/**
 * Introduces two peers so they can try a direct path ({@code Peer::introduce}): when a relay
 * forwards a packet between them, it tells each, with a RENDEZVOUS, the other's best physical
 * address in the best scope both have (IPv6 preferred within a scope). Each pair is introduced
 * at most once per {@link Vl1Constants#MIN_UNITE_INTERVAL_MILLIS}.
 *
 * <pre>
 *  RENDEZVOUS payload
 *  +-------+-------------+----------+---------+-----------------+
 *  | flags | with (addr) | port u16 | addrlen | IP (4 or 16)    |
 *  +-------+-------------+----------+---------+-----------------+
 * </pre>
 */
final class Introducer {
  private record Pair(long low, long high) {
    static Pair of(long a, long b) {
      return a < b ? new Pair(a, b) : new Pair(b, a);
    }
  }

  /** Most peer pairs remembered (a root relaying for more pairs introduces the rest later). */
  static final int MAX_PAIRS = 65_536;

  private final Vl1 vl1;
  private final Map<Pair, Long> lastUniteAt = new HashMap<>();

  Introducer(Vl1 vl1) {
    this.vl1 = vl1;
  }

  /** Rate limit per unordered pair ({@code Switch::_shouldUnite}). */
  boolean shouldUnite(long a, long b, long now) {
    Pair k = Pair.of(a, b);
    Long last = lastUniteAt.get(k);
    if (last == null && lastUniteAt.size() >= MAX_PAIRS) {
      clean(now);
      if (lastUniteAt.size() >= MAX_PAIRS) {
        return false; // too many fresh pairs: relay without introducing until entries age out
      }
    }
    if (last == null || now - last >= MIN_UNITE_INTERVAL_MILLIS) {
      lastUniteAt.put(k, now);
      return true;
    }
    return false;
  }

  /** Sends each of {@code a} and {@code b} a RENDEZVOUS naming the other's best address. */
  void introduce(Peer a, Peer b, long now) {
    Path[][] mine = a.bestPathsByScope(now);
    Path[][] theirs = b.bestPathsByScope(now);
    Path pa = null;
    Path pb = null;
    for (int s = IpScope.MAX; s >= 0 && pa == null; s--) {
      if (mine[s][1] != null && theirs[s][1] != null) {
        pa = mine[s][1];
        pb = theirs[s][1];
      } else if (mine[s][0] != null && theirs[s][0] != null) {
        pa = mine[s][0];
        pb = theirs[s][0];
      }
    }
    if (pa == null) {
      return;
    }
    // Which side hears first is randomised, as ZeroTier does for NAT traversal's sake.
    boolean aFirst = (vl1.random().nextLong() & 1) == 0;
    for (int i = 0; i < 2; i++) {
      if ((i == 0) == aFirst) {
        rendezvous(a, pa, b, pb);
      } else {
        rendezvous(b, pb, a, pa);
      }
    }
  }

  /** Tells {@code to} (over {@code toPath}) that {@code with} is at {@code withPath}. */
  private void rendezvous(Peer to, Path toPath, Peer with, Path withPath) {
    PacketBuilder p = vl1.newPacket(to.address(), Verbs.RENDEZVOUS);
    p.u8(0).address(with.address()).u16(withPath.address().port());
    p.u8(withPath.address().isV6() ? 16 : 4).bytes(withPath.address().ip());
    to.cipher().armor(p, true, to.useAes());
    vl1.sendOnPath(toPath, p.buffer(), p.size());
  }

  void clean(long now) {
    lastUniteAt.values().removeIf(t -> now - t >= MIN_UNITE_INTERVAL_MILLIS * 8);
  }
}
