package io.zt4j.stack.iface;

import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpPrefix;
import io.zt4j.stack.wire.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One network interface of a stack — in zt4j, one joined virtual network. It has a MAC, an MTU,
 * IPv4/IPv6 addresses (plus the IPv6 link-local address derived from the MAC), routes, a
 * neighbor cache (ARP and NDP), multicast memberships, and the {@link LinkDevice} its frames go
 * to.
 *
 * <p>Frames come in through {@link #receiveFrame}. The multicast MACs the link must deliver to us
 * (broadcast, IPv6 all-nodes and solicited-node groups, groups sockets joined) are listed by
 * {@link #multicastMacs()}; listeners registered with {@link #onMulticastChange} hear about
 * changes so a virtual tap can subscribe on the network.
 *
 * <p>Owner-thread only, like the whole stack.
 */
public final class Interface {
  private final IpCore core;
  private final int index;
  private final long mac;
  private final LinkDevice device;
  private final boolean ipv6LinkLocal;
  private int mtu;
  final NeighborCache neighbors;

  private final List<IpPrefix> addresses = new ArrayList<>();
  private final List<Route> routes = new ArrayList<>();
  private IpAddress linkLocal;
  private final Map<IpAddress, Integer> joined = new HashMap<>();
  private final List<Runnable> multicastListeners = new ArrayList<>();

  // Flat copies for the per-packet checks (a handful of entries each).
  private int[] v4Addrs = new int[0];
  private int[] v4Bcasts = new int[0];
  private long[] v6His = new long[0];
  private long[] v6Los = new long[0];
  private int[] v4Groups = new int[0];
  private long[] v6GroupHis = new long[0];
  private long[] v6GroupLos = new long[0];
  private long[] macs = new long[0];

  // A pending answer to an MLD query: when, for which group (null: all), in which version.
  private long mldAnswerAt = Long.MAX_VALUE;
  private IpAddress mldAnswerGroup;
  private boolean mldAnswerV1;

  Interface(IpCore core, int index, InterfaceConfig config, LinkDevice device) {
    this.core = core;
    this.index = index;
    this.mac = config.mac();
    this.mtu = config.mtu();
    this.device = device;
    this.ipv6LinkLocal = config.ipv6LinkLocal();
    this.neighbors = new NeighborCache(core, this);
    if (ipv6LinkLocal) {
      linkLocal = linkLocalOf(mac);
      addresses.add(new IpPrefix(linkLocal, 64));
    }
    for (IpPrefix a : config.addresses()) {
      checkAddress(a);
      addresses.add(a);
    }
    routes.addAll(config.routes());
    rebuild();
  }

  /** fe80::/64 with the modified EUI-64 interface identifier of {@code mac} (RFC 4291 App. A). */
  public static IpAddress linkLocalOf(long mac) {
    long oui = (mac >>> 24) ^ 0x02_0000L; // flip the universal/local bit
    long iid = (oui << 40) | (0xFF_FEL << 24) | (mac & 0xFF_FFFFL);
    return IpAddress.of(0xFE80_0000_0000_0000L, iid);
  }

  /** 1-based index, stable for the stack's lifetime. */
  public int index() {
    return index;
  }

  public long mac() {
    return mac;
  }

  /** The IP MTU (bytes of IP packet, not counting the Ethernet header). */
  public int mtu() {
    return mtu;
  }

  /** Changes the MTU (e.g. a new network config); path MTU state is reset. */
  public void setMtu(int newMtu) {
    if (newMtu < InterfaceConfig.MIN_MTU || newMtu > InterfaceConfig.MAX_MTU) {
      throw new IllegalArgumentException("MTU out of range: " + newMtu);
    }
    mtu = newMtu;
    core.routesChanged();
  }

  public LinkDevice device() {
    return device;
  }

  /** All addresses with prefix lengths, the link-local address first when enabled. */
  public List<IpPrefix> addresses() {
    return List.copyOf(addresses);
  }

  /** The IPv6 link-local address, or null when disabled. */
  public IpAddress linkLocalAddress() {
    return linkLocal;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /** Adds an address; IPv4 addresses are announced with a gratuitous ARP (RFC 5227 §3). */
  public void addAddress(IpPrefix a, long nowNanos) {
    checkAddress(a);
    for (IpPrefix p : addresses) {
      if (p.address().equals(a.address())) {
        throw new IllegalStateException("address already assigned: " + a.address());
      }
    }
    addresses.add(a);
    rebuild();
    core.routesChanged();
    if (a.address().isV4()) {
      core.arp.announce(this, a.address().v4());
    }
  }

  public boolean removeAddress(IpAddress a) {
    boolean removed = addresses.removeIf(p -> p.address().equals(a));
    if (removed) {
      rebuild();
      core.routesChanged();
    }
    return removed;
  }

  public void addRoute(Route r) {
    routes.add(r);
    core.routesChanged();
  }

  public boolean removeRoute(Route r) {
    boolean removed = routes.remove(r);
    if (removed) {
      core.routesChanged();
    }
    return removed;
  }

  /**
   * Hands the stack one received Ethernet frame (no FCS). {@code buf} is only read during the
   * call; the stack copies what it keeps. Bad frames are dropped and counted.
   */
  public void receiveFrame(byte[] buf, int off, int len, long nowNanos) {
    core.input(this, buf, off, len, nowNanos, false);
  }

  /**
   * Like {@link #receiveFrame(byte[], int, int, long)}, for a link that may vouch for the frame's
   * integrity. With {@code checksumsVerified} true the link guarantees the frame arrived exactly
   * as its sender's stack built it — a frame that came inside a ZeroTier packet whose MAC
   * (AES-GMAC-SIV or Poly1305) verified — so TCP and UDP skip verifying their checksums, as Linux
   * does for {@code CHECKSUM_UNNECESSARY} frames from a virtio device. The IPv4 header checksum
   * and ICMP checksums are still checked (20 bytes, and ICMP echo replies are built from the
   * request's checksum incrementally). Links that cannot vouch (kernel TAPs, pcap, test links)
   * pass false. Outgoing checksums are always computed.
   */
  public void receiveFrame(byte[] buf, int off, int len, long nowNanos, boolean checksumsVerified) {
    core.input(this, buf, off, len, nowNanos, checksumsVerified);
  }

  /** The multicast/broadcast MACs the link must deliver to this interface (a copy). */
  public long[] multicastMacs() {
    return macs.clone();
  }

  /** The multicast groups this interface belongs to: implicit ones and those sockets joined. */
  public List<IpAddress> multicastGroups() {
    List<IpAddress> l = new ArrayList<>();
    for (int g : v4Groups) {
      l.add(IpAddress.ofV4(g));
    }
    for (int i = 0; i < v6GroupHis.length; i++) {
      l.add(IpAddress.of(v6GroupHis[i], v6GroupLos[i]));
    }
    return l;
  }

  /** Runs {@code listener} (on the owner thread) after the multicast MAC set changes. */
  public void onMulticastChange(Runnable listener) {
    multicastListeners.add(listener);
  }

  /** Number of neighbor cache entries (ARP and NDP). */
  public int neighborCount() {
    return neighbors.size();
  }

  /** The cached MAC for a neighbor, or -1. For tests and diagnostics. */
  public long neighborMac(IpAddress a) {
    return neighbors.peekMac(a.hi(), a.lo());
  }

  @Override
  public String toString() {
    return "Interface#" + index + "[" + MacAddress.toString(mac) + " mtu=" + mtu + " " + addresses + "]";
  }

  // --- package internals -----------------------------------------------------------------------

  void transmit(byte[] buf, int off, int len) {
    core.stats().count(Counter.FRAMES_OUT);
    device.transmit(buf, off, len);
  }

  boolean hasV4() {
    return v4Addrs.length > 0;
  }

  boolean hasV6() {
    return v6His.length > 0;
  }

  boolean isOwnV4(int a) {
    for (int x : v4Addrs) {
      if (x == a) {
        return true;
      }
    }
    return false;
  }

  boolean isDirectedBroadcastV4(int a) {
    for (int x : v4Bcasts) {
      if (x == a) {
        return true;
      }
    }
    return false;
  }

  boolean isOwnV6(long hi, long lo) {
    for (int i = 0; i < v6His.length; i++) {
      if (v6His[i] == hi && v6Los[i] == lo) {
        return true;
      }
    }
    return false;
  }

  boolean isOwn(long hi, long lo) {
    return IpAddress.isV4(hi, lo) ? isOwnV4((int) lo) : isOwnV6(hi, lo);
  }

  boolean inGroupV4(int g) {
    for (int x : v4Groups) {
      if (x == g) {
        return true;
      }
    }
    return false;
  }

  boolean inGroupV6(long hi, long lo) {
    for (int i = 0; i < v6GroupHis.length; i++) {
      if (v6GroupHis[i] == hi && v6GroupLos[i] == lo) {
        return true;
      }
    }
    return false;
  }

  boolean acceptsMac(long dst) {
    for (long m : macs) {
      if (m == dst) {
        return true;
      }
    }
    return false;
  }

  List<IpPrefix> addressList() {
    return addresses;
  }

  List<Route> routeList() {
    return routes;
  }

  /** The IPv4 address to speak from toward {@code dst} on this link (same subnet first). */
  int sourceV4For(int dst) {
    int fallback = 0;
    boolean have = false;
    for (IpPrefix p : addresses) {
      if (!p.address().isV4()) {
        continue;
      }
      if (p.contains(0, IpAddress.v4Lo(dst))) {
        return p.address().v4();
      }
      if (!have) {
        fallback = p.address().v4();
        have = true;
      }
    }
    return fallback;
  }

  /**
   * The IPv6 source toward {@code (hi, lo)}: link-local for link-local (and link-scope multicast)
   * destinations, else the global address sharing the longest prefix (RFC 6724 rules 2 and 8,
   * simplified); null when the interface has no IPv6 address.
   */
  IpAddress sourceV6For(long hi, long lo) {
    boolean linkScope = (hi >>> 54) == (0xFE80L >>> 6) || ((hi >>> 56) == 0xFF && ((hi >>> 48) & 0xF) <= 2);
    IpAddress best = null;
    int bestLen = -1;
    for (IpPrefix p : addresses) {
      IpAddress a = p.address();
      if (a.isV4()) {
        continue;
      }
      boolean ll = a.isLinkLocal();
      if (linkScope && ll) {
        return a;
      }
      int common = ll ? -1 : commonPrefix(a.hi(), a.lo(), hi, lo);
      if (common > bestLen) {
        best = a;
        bestLen = common;
      }
    }
    return best;
  }

  private static int commonPrefix(long ah, long al, long bh, long bl) {
    long x = ah ^ bh;
    return x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(al ^ bl);
  }

  /**
   * Schedules an answer to an MLD query (RFC 3810 §6.2, simplified to one pending answer): an
   * earlier pending answer covering the group stays; answers for different groups merge into one
   * for all groups at the earlier time.
   */
  void scheduleMldAnswer(IpAddress group, boolean v1, long at) {
    if (mldAnswerAt != Long.MAX_VALUE) {
      boolean covers = mldAnswerGroup == null || mldAnswerGroup.equals(group);
      if (covers && mldAnswerAt <= at) {
        return;
      }
      if (!covers || group == null) {
        group = null;
      }
      at = Math.min(at, mldAnswerAt);
      v1 |= mldAnswerV1;
    }
    mldAnswerAt = at;
    mldAnswerGroup = group;
    mldAnswerV1 = v1;
  }

  /** When a scheduled MLD answer is due ({@code Long.MAX_VALUE}: none). */
  long mldAnswerAt() {
    return mldAnswerAt;
  }

  /** Sends the scheduled MLD answer if it is due. */
  void pollMld(long now) {
    if (now >= mldAnswerAt) {
      IpAddress g = mldAnswerGroup;
      boolean v1 = mldAnswerV1;
      mldAnswerAt = Long.MAX_VALUE;
      mldAnswerGroup = null;
      mldAnswerV1 = false;
      core.ndp.sendMldAnswer(this, g, v1);
    }
  }

  void join(IpAddress group) {
    if (!group.isMulticast()) {
      throw new IllegalArgumentException("not a multicast group: " + group);
    }
    int n = joined.merge(group, 1, Integer::sum);
    if (n == 1) {
      rebuild();
      if (!group.isV4()) {
        core.ndp.sendMldReport(this, group, true);
      }
    }
  }

  void leave(IpAddress group) {
    Integer n = joined.get(group);
    if (n == null) {
      return;
    }
    if (n == 1) {
      joined.remove(group);
      rebuild();
      if (!group.isV4()) {
        core.ndp.sendMldReport(this, group, false);
      }
    } else {
      joined.put(group, n - 1);
    }
  }

  private void checkAddress(IpPrefix a) {
    IpAddress ad = a.address();
    if (ad.isUnspecified() || ad.isMulticast() || ad.isLimitedBroadcast()) {
      throw new IllegalArgumentException("not a unicast interface address: " + a);
    }
  }

  /** Recomputes the flat arrays and notifies multicast listeners when the MAC set changed. */
  private void rebuild() {
    List<Integer> a4 = new ArrayList<>();
    List<Integer> b4 = new ArrayList<>();
    List<IpAddress> a6 = new ArrayList<>();
    for (IpPrefix p : addresses) {
      if (p.address().isV4()) {
        a4.add(p.address().v4());
        if (p.length() < 31) {
          b4.add(p.v4Broadcast());
        }
      } else {
        a6.add(p.address());
      }
    }
    v4Addrs = a4.stream().mapToInt(Integer::intValue).toArray();
    v4Bcasts = b4.stream().mapToInt(Integer::intValue).toArray();
    v6His = a6.stream().mapToLong(IpAddress::hi).toArray();
    v6Los = a6.stream().mapToLong(IpAddress::lo).toArray();

    java.util.LinkedHashSet<IpAddress> groups = new java.util.LinkedHashSet<>();
    if (!a4.isEmpty()) {
      groups.add(IpAddress.parse("224.0.0.1")); // all-systems, RFC 1112 §4
    }
    if (!a6.isEmpty()) {
      groups.add(IpAddress.ALL_NODES);
      for (IpAddress a : a6) {
        groups.add(a.solicitedNode());
      }
    }
    groups.addAll(joined.keySet());
    v4Groups = groups.stream().filter(IpAddress::isV4).mapToInt(IpAddress::v4).toArray();
    v6GroupHis = groups.stream().filter(g -> !g.isV4()).mapToLong(IpAddress::hi).toArray();
    v6GroupLos = groups.stream().filter(g -> !g.isV4()).mapToLong(IpAddress::lo).toArray();

    java.util.TreeSet<Long> m = new java.util.TreeSet<>();
    m.add(MacAddress.BROADCAST);
    for (IpAddress g : groups) {
      m.add(g.multicastMac());
    }
    long[] newMacs = m.stream().mapToLong(Long::longValue).toArray();
    if (!Arrays.equals(newMacs, macs)) {
      macs = newMacs;
      for (Runnable r : List.copyOf(multicastListeners)) {
        r.run();
      }
    }
  }
}
