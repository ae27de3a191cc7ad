package io.zt4j.controller;

import io.zt4j.controller.model.IpPool;
import io.zt4j.controller.model.Route;
import io.zt4j.controller.net.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * How ZeroTier's controller picks addresses for a member, reproduced so a member gets the
 * address ZeroTier One's controller would give it.
 *
 * <ul>
 *   <li>IPv4 from a pool: trial {@code k} (0..999) tries {@code start + (c + k) mod (end - start)},
 *       {@code c} being the low 32 bits of the member's address; addresses ending in {@code .255}
 *       are skipped; the address must lie in a managed IPv4 route (prefix &gt; 0) and be
 *       allocated to no member. (As in ZeroTier, {@code end} itself is never picked when the
 *       pool holds more than one address.)
 *   <li>IPv6 from a pool: first, if the pool's low 64 bits span at least 2^40, start + the
 *       member's address; otherwise random addresses in the pool; the address must lie in a
 *       managed IPv6 route without a gateway and be unallocated.
 *   <li>RFC 4193 ({@code fd} + network ID + {@code 9993} + address, /88) and 6PLANE
 *       ({@code fc} + folded network ID + address + {@code ::1}, /40) follow from the network ID
 *       and address alone.
 * </ul>
 */
public final class IpAssignment {
  private static final int TRIALS = 1000;

  private IpAssignment() {}

  /**
   * An IPv4 address (its port field the route's prefix length) for {@code member} from
   * {@code pools}, or empty if none is free.
   */
  public static Optional<IpAddress> pickIpv4(List<IpPool> pools, List<Route> routes, long member,
      Set<IpAddress> allocated) {
    for (IpPool pool : pools) {
      if (!pool.start().isV4() || !pool.end().isV4()) {
        continue;
      }
      long start = pool.start().v4Value();
      long end = pool.end().v4Value();
      if (end < start || start == 0) {
        continue;
      }
      long len = end - start;
      long counter = member & 0xffffffffL;
      for (long k = start, trial = 0; k <= end && trial < TRIALS; k++, trial++) {
        long ip = len > 0 ? start + Long.remainderUnsigned(counter, len) : start;
        counter = (counter + 1) & 0xffffffffL;
        if ((ip & 0xff) == 0xff) {
          continue;
        }
        int bits = -1;
        for (Route r : routes) {
          if (r.target().isV4()) {
            int targetBits = r.target().port();
            int mask = 0xffffffff << (32 - targetBits); // as in C on x86: a shift by 32 keeps all bits
            if (((int) ip & mask) == (int) r.target().v4Value()) {
              bits = targetBits;
              break;
            }
          }
        }
        IpAddress candidate = IpAddress.ipv4(ip, 0);
        if (bits > 0 && !allocated.contains(candidate)) {
          return Optional.of(candidate.withPort(bits));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * An IPv6 address (port field = the route's prefix length) for {@code member} from
   * {@code pools}, or empty if none is free.
   */
  public static Optional<IpAddress> pickIpv6(List<IpPool> pools, List<Route> routes, long member,
      Set<IpAddress> allocated, RandomGenerator random) {
    for (IpPool pool : pools) {
      if (pool.start().isV4() || pool.end().isV4()) {
        continue;
      }
      long s0 = high(pool.start());
      long s1 = low(pool.start());
      long e0 = high(pool.end());
      long e1 = low(pool.end());
      for (int trial = 0; trial < TRIALS; trial++) {
        long x0;
        long x1;
        if (trial == 0 && Long.compareUnsigned(e1, s1) > 0 && Long.compareUnsigned(e1 - s1, 0xffffffffffL) >= 0) {
          x0 = s0;
          x1 = s1 + member;
        } else {
          long r0 = random.nextLong();
          long r1 = random.nextLong();
          x0 = s0 + (Long.compareUnsigned(e0, s0) > 0 ? Long.remainderUnsigned(r0, e0 - s0) : 0);
          x1 = s1 + (Long.compareUnsigned(e1, s1) > 0 ? Long.remainderUnsigned(r1, e1 - s1) : 0);
        }
        IpAddress candidate = v6(x0, x1, 0);
        int bits = 0;
        for (Route r : routes) {
          if (r.via() == null && !r.target().isV4() && r.target().contains(candidate)) {
            bits = r.target().port();
          }
        }
        if (bits > 0 && !allocated.contains(candidate)) {
          return Optional.of(candidate.withPort(bits));
        }
      }
    }
    return Optional.empty();
  }

  /** The member's RFC 4193 address, /88. */
  public static IpAddress rfc4193(long networkId, long member) {
    byte[] b = new byte[16];
    b[0] = (byte) 0xfd;
    for (int i = 0; i < 8; i++) {
      b[1 + i] = (byte) (networkId >>> (56 - 8 * i));
    }
    b[9] = (byte) 0x99;
    b[10] = (byte) 0x93;
    for (int i = 0; i < 5; i++) {
      b[11 + i] = (byte) (member >>> (32 - 8 * i));
    }
    return IpAddress.of(b, 88);
  }

  /** The member's 6PLANE address ({@code ::1} of its /80), /40. */
  public static IpAddress sixPlane(long networkId, long member) {
    long folded = networkId ^ (networkId >>> 32);
    byte[] b = new byte[16];
    b[0] = (byte) 0xfc;
    for (int i = 0; i < 4; i++) {
      b[1 + i] = (byte) (folded >>> (24 - 8 * i));
    }
    for (int i = 0; i < 5; i++) {
      b[5 + i] = (byte) (member >>> (32 - 8 * i));
    }
    b[15] = 1;
    return IpAddress.of(b, 40);
  }

  private static long high(IpAddress a) {
    return word(a.bytes(), 0);
  }

  private static long low(IpAddress a) {
    return word(a.bytes(), 8);
  }

  private static long word(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static IpAddress v6(long hi, long lo, int port) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return IpAddress.of(b, port);
  }
}
