package io.zt4j.stack.iface;

import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Longest-prefix-match routing over all interfaces' routes (each address's prefix is an
 * on-link route; configured routes add gateways and defaults), source address selection, and
 * the path MTU cache (RFC 1191, RFC 8201).
 *
 * <p>Lookups go through a small direct-mapped cache keyed by destination, invalidated whenever
 * routes, addresses or path MTUs change, so the per-packet cost is a hash and a compare.
 * Owner-thread only.
 */
final class RouteTable {
  /** RFC 8201 §5.3 / RFC 1191 §6.3: forget a lowered path MTU after 10 minutes. */
  static final long PMTU_EXPIRY_NANOS = 600_000_000_000L;
  static final int MAX_PMTU_ENTRIES = 1024;
  private static final int CACHE_SIZE = 256;

  private record Entry(long netHi, long netLo, long maskHi, long maskLo, int len128, int metric, boolean v4,
      boolean gateway, long gwHi, long gwLo, Interface ifc) {
    boolean matches(long hi, long lo) {
      return ((hi & maskHi) == netHi) && ((lo & maskLo) == netLo) && v4 == IpAddress.isV4(hi, lo);
    }
  }

  private static final class Pmtu {
    int mtu;
    long expiresAt;
  }

  private final List<Interface> interfaces;
  private Entry[] entries = new Entry[0];
  private final AddressTable<Pmtu> pmtus = new AddressTable<>(MAX_PMTU_ENTRIES);
  private long nextPmtuExpiry = Long.MAX_VALUE;

  private final long[] cHi = new long[CACHE_SIZE];
  private final long[] cLo = new long[CACHE_SIZE];
  private final int[] cHint = new int[CACHE_SIZE];
  private final boolean[] cValid = new boolean[CACHE_SIZE];
  private final RouteInfo[] cInfo = new RouteInfo[CACHE_SIZE];

  RouteTable(List<Interface> interfaces) {
    this.interfaces = interfaces;
    for (int i = 0; i < CACHE_SIZE; i++) {
      cInfo[i] = new RouteInfo();
    }
  }

  /** Rebuilds the table from every interface's addresses and routes. */
  void rebuild() {
    List<Entry> l = new ArrayList<>();
    for (Interface ifc : interfaces) {
      for (IpPrefix p : ifc.addressList()) {
        l.add(entry(p.network(), null, 0, ifc));
      }
      for (Route r : ifc.routeList()) {
        l.add(entry(r.target(), r.via(), r.metric(), ifc));
      }
    }
    l.sort(Comparator.comparingInt((Entry e) -> -e.len128).thenComparingInt(Entry::metric));
    entries = l.toArray(new Entry[0]);
    invalidate();
  }

  private static Entry entry(IpPrefix p, IpAddress via, int metric, Interface ifc) {
    IpAddress a = p.address();
    return new Entry(a.hi() & p.maskHi(), a.lo() & p.maskLo(), p.maskHi(), p.maskLo(), p.length128(), metric, a.isV4(),
        via != null, via == null ? 0 : via.hi(), via == null ? 0 : via.lo(), ifc);
  }

  void invalidate() {
    java.util.Arrays.fill(cValid, false);
  }

  /** Fills {@code out}; false when there is no route (or no usable source address). */
  boolean lookup(long hi, long lo, int hint, RouteInfo out, long now) {
    int slot = (IpAddress.hash(hi, lo) ^ hint) & (CACHE_SIZE - 1);
    if (cValid[slot] && cHi[slot] == hi && cLo[slot] == lo && cHint[slot] == hint) {
      copy(cInfo[slot], out);
      return true;
    }
    if (!resolve(hi, lo, hint, out, now)) {
      return false;
    }
    cHi[slot] = hi;
    cLo[slot] = lo;
    cHint[slot] = hint;
    copy(out, cInfo[slot]);
    cValid[slot] = true;
    return true;
  }

  private boolean resolve(long hi, long lo, int hint, RouteInfo out, long now) {
    boolean v4 = IpAddress.isV4(hi, lo);
    Interface ifc = null;
    long nhHi = hi;
    long nhLo = lo;
    boolean scoped = IpAddress.isMulticast(hi, lo) || (v4 && (int) lo == -1)
        || (!v4 && (hi >>> 54) == (0xFE80L >>> 6));
    if (scoped) {
      // Multicast, limited broadcast and link-local unicast: the interface comes from the
      // caller, or is the first one with an address of the family.
      for (Interface i : interfaces) {
        if ((hint == 0 || i.index() == hint) && (v4 ? i.hasV4() : i.hasV6())) {
          ifc = i;
          break;
        }
      }
    } else {
      for (Entry e : entries) {
        if ((hint == 0 || e.ifc.index() == hint) && e.matches(hi, lo)) {
          ifc = e.ifc;
          if (e.gateway) {
            nhHi = e.gwHi;
            nhLo = e.gwLo;
          }
          break;
        }
      }
    }
    if (ifc == null) {
      return false;
    }
    if (v4) {
      if (!ifc.hasV4()) {
        return false;
      }
      int src = ifc.sourceV4For((int) nhLo);
      out.srcHi = 0;
      out.srcLo = IpAddress.v4Lo(src);
    } else {
      IpAddress src = ifc.sourceV6For(hi, lo);
      if (src == null) {
        return false;
      }
      out.srcHi = src.hi();
      out.srcLo = src.lo();
    }
    out.interfaceIndex = ifc.index();
    out.nextHopHi = nhHi;
    out.nextHopLo = nhLo;
    out.mtu = ifc.mtu();
    Pmtu p = pmtus.get(hi, lo);
    if (p != null) {
      if (now >= p.expiresAt) {
        pmtus.remove(hi, lo);
      } else {
        out.mtu = Math.min(out.mtu, p.mtu);
      }
    }
    return true;
  }

  /**
   * Lowers the path MTU toward {@code (hi, lo)} after an ICMP "fragmentation needed" / "packet
   * too big". Values above the current one are ignored (RFC 8201 §4), and values below the
   * family minimum are raised to it (68 for IPv4, 1280 for IPv6).
   */
  void lowerPathMtu(long hi, long lo, int mtu, long now) {
    boolean v4 = IpAddress.isV4(hi, lo);
    int floor = v4 ? 68 : 1280;
    int m = Math.max(mtu, floor);
    Pmtu p = pmtus.get(hi, lo);
    if (p == null) {
      p = new Pmtu();
      p.mtu = Integer.MAX_VALUE;
      if (!pmtus.put(hi, lo, p)) {
        pmtus.removeIf(x -> true); // full: start over rather than grow
        pmtus.put(hi, lo, p);
      }
    }
    if (m >= p.mtu) {
      return;
    }
    p.mtu = m;
    p.expiresAt = now + PMTU_EXPIRY_NANOS;
    nextPmtuExpiry = Math.min(nextPmtuExpiry, p.expiresAt);
    invalidate();
  }

  long pollAt() {
    return nextPmtuExpiry;
  }

  void poll(long now) {
    if (now < nextPmtuExpiry) {
      return;
    }
    pmtus.removeIf(p -> now >= p.expiresAt);
    nextPmtuExpiry = Long.MAX_VALUE;
    pmtus.forEach(p -> nextPmtuExpiry = Math.min(nextPmtuExpiry, p.expiresAt));
    invalidate();
  }

  private static void copy(RouteInfo a, RouteInfo b) {
    b.interfaceIndex = a.interfaceIndex;
    b.srcHi = a.srcHi;
    b.srcLo = a.srcLo;
    b.nextHopHi = a.nextHopHi;
    b.nextHopLo = a.nextHopLo;
    b.mtu = a.mtu;
  }
}
