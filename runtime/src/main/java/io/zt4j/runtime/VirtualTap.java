package io.zt4j.runtime;

import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.iface.Route;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpPrefix;
import io.zt4j.stack.wire.MacAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The virtual tap of one joined network: the stack {@link Interface} the network's frames come
 * out of and go into (ZeroTier One's {@code EthernetTap}, without an operating-system device).
 *
 * <ul>
 *   <li><b>Config.</b> MAC and MTU come from the network config at join; managed addresses
 *       (IPv4 from the controller, RFC 4193 and 6PLANE when the network enables them; the prefix
 *       length is in the address's port) and routes are added and removed as configs arrive.
 *   <li><b>Multicast.</b> The stack's multicast MACs (IPv6 all-nodes, solicited-node groups, groups
 *       sockets joined) are subscribed on the network ({@code MULTICAST_LIKE} through the node) and
 *       unsubscribed when the stack drops them; ARP's per-address groups are the node's own.
 *   <li><b>Frames out.</b> {@link #transmit} hands the stack's frame to the node
 *       ({@code processVirtualNetworkFrame}), which turns it into FRAME/MULTICAST_FRAME packets.
 *   <li><b>Frames in.</b> The node's {@code deliverFrame} is queued by the runner (the node must
 *       not be re-entered) and fed to the interface by {@link #receive} right after the node call,
 *       marked as verified by the link (the packet's MAC covered it), so TCP/UDP skip their checksums.
 * </ul>
 *
 * <p>Loop thread only, like the node and the stack it connects.
 */
final class VirtualTap implements LinkDevice {
  static final int ETHERNET_HEADER = 14;

  private final NodeRunner runner;
  private final long networkId;
  private Interface iface;
  private boolean destroyed;
  private final Set<IpPrefix> addresses = new LinkedHashSet<>();
  private final Set<Route> routes = new LinkedHashSet<>();
  private final Set<MulticastGroup> subscribed = new HashSet<>();
  private long frameMac;

  VirtualTap(NodeRunner runner, long networkId) {
    this.runner = runner;
    this.networkId = networkId;
  }

  Interface iface() {
    return iface;
  }

  /** Applies a config snapshot: creates the interface on first use, then syncs MTU, addresses, routes. */
  void apply(VirtualNetworkConfig c, long nowNanos) {
    if (destroyed) {
      return;
    }
    int mtu = Math.max(InterfaceConfig.MIN_MTU, Math.min(c.mtu(), InterfaceConfig.MAX_MTU));
    if (iface == null) {
      frameMac = c.mac().value();
      iface = runner.driver().stack().addInterface(InterfaceConfig.of(frameMac).withMtu(mtu), this, nowNanos);
      iface.onMulticastChange(this::multicastChanged);
    } else if (iface.mtu() != mtu) {
      iface.setMtu(mtu);
    }
    Set<IpPrefix> want = new LinkedHashSet<>();
    for (InetAddress a : c.assignedAddresses()) {
      IpPrefix p = prefix(a);
      if (p != null) {
        want.add(p);
      }
    }
    for (IpPrefix old : new ArrayList<>(addresses)) {
      if (!want.contains(old)) {
        iface.removeAddress(old.address());
        addresses.remove(old);
      }
    }
    for (IpPrefix p : want) {
      if (!addresses.contains(p)) {
        try {
          iface.addAddress(p, nowNanos);
          addresses.add(p);
        } catch (IllegalStateException | IllegalArgumentException e) {
          // same address twice with two prefix lengths, or not usable: keep the first
        }
      }
    }
    Set<Route> wantRoutes = new LinkedHashSet<>();
    for (NetworkConfig.Route r : c.routes()) {
      Route sr = route(r);
      if (sr != null && !impliedByAddress(sr)) {
        wantRoutes.add(sr);
      }
    }
    for (Route old : new ArrayList<>(routes)) {
      if (!wantRoutes.contains(old)) {
        iface.removeRoute(old);
        routes.remove(old);
      }
    }
    for (Route r : wantRoutes) {
      if (routes.add(r)) {
        iface.addRoute(r);
      }
    }
    multicastChanged();
  }

  /** The network was left: no addresses, no routes, no subscriptions, frames dropped from now on. */
  void destroy() {
    if (iface != null) {
      for (IpPrefix p : addresses) {
        iface.removeAddress(p.address());
      }
      for (Route r : routes) {
        iface.removeRoute(r);
      }
    }
    addresses.clear();
    routes.clear();
    subscribed.clear();
    destroyed = true;
  }

  private boolean impliedByAddress(Route r) {
    if (r.via() != null) {
      return false;
    }
    for (IpPrefix p : addresses) {
      if (p.network().equals(r.target())) {
        return true;
      }
    }
    return false;
  }

  static IpPrefix prefix(InetAddress a) {
    if (!a.isV4() && !a.isV6()) {
      return null;
    }
    int max = a.isV4() ? 32 : 128;
    int bits = a.port() <= 0 || a.port() > max ? max : a.port();
    return new IpPrefix(IpAddress.of(a.ip()), bits);
  }

  static Route route(NetworkConfig.Route r) {
    IpPrefix target = prefix(r.target());
    if (target == null) {
      return null;
    }
    IpAddress via = r.via().isNil() ? null : IpAddress.of(r.via().ip());
    if (via != null && via.isV4() != target.address().isV4()) {
      return null;
    }
    return new Route(target, via, r.metric());
  }

  // ------------------------------------------------------------------------------ multicast

  private void multicastChanged() {
    if (runner.inNode()) {
      runner.defer(this::syncMulticast);
    } else {
      syncMulticast();
    }
  }

  private void syncMulticast() {
    if (iface == null || destroyed) {
      return;
    }
    Set<MulticastGroup> want = new HashSet<>();
    for (long m : iface.multicastMacs()) {
      if (m != MacAddress.BROADCAST) {
        want.add(new MulticastGroup(new MAC(m), 0));
      }
    }
    if (want.equals(subscribed)) {
      return;
    }
    long now = runner.now();
    runner.enterNode();
    try {
      for (MulticastGroup g : new ArrayList<>(subscribed)) {
        if (!want.contains(g)) {
          runner.node().multicastUnsubscribe(networkId, g, now);
          subscribed.remove(g);
        }
      }
      for (MulticastGroup g : want) {
        if (subscribed.add(g)) {
          runner.node().multicastSubscribe(networkId, g, now);
        }
      }
    } finally {
      runner.exitNode();
    }
  }

  /** The groups this tap subscribed (diagnostics). */
  List<MulticastGroup> subscriptions() {
    return List.copyOf(subscribed);
  }

  // ------------------------------------------------------------------------------ frames

  /** A frame from the stack: to the node, which sends it on the network. */
  @Override
  public void transmit(byte[] buf, int off, int len) {
    if (destroyed || len < ETHERNET_HEADER) {
      return;
    }
    if (runner.inNode()) {
      // the stack was driven from inside a node callback: never re-enter the node
      byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
      runner.defer(() -> transmit(copy, 0, copy.length));
      return;
    }
    MAC dst = new MAC(MacAddress.read(buf, off));
    MAC src = new MAC(MacAddress.read(buf, off + 6));
    int etherType = ((buf[off + 12] & 0xFF) << 8) | (buf[off + 13] & 0xFF);
    runner.enterNode();
    try {
      runner.node().processVirtualNetworkFrame(networkId, src, dst, etherType, 0, buf, off + ETHERNET_HEADER,
          len - ETHERNET_HEADER, runner.now());
    } finally {
      runner.exitNode(); // what the node hands back is applied after the stack call returns
    }
  }

  /**
   * A frame from the network (already a complete Ethernet frame in {@code frame[0, len)}).
   *
   * <p>It reaches us only from a ZeroTier packet the node authenticated (AES-GMAC-SIV or
   * Poly1305 over the whole packet) or built itself (NDP emulation), so it is exactly what the
   * sending member's stack emitted: the stack is told the checksums need no verification, as
   * Linux marks virtio frames {@code CHECKSUM_UNNECESSARY}. (Packets on an explicitly configured
   * trusted path carry no MAC; the kernel verified their outer UDP checksum.)
   */
  void receive(byte[] frame, int len, long nowNanos) {
    if (destroyed || iface == null) {
      return;
    }
    iface.receiveFrame(frame, 0, len, nowNanos, true);
  }

  /** Writes an Ethernet header and the payload into {@code out}; returns the frame length. */
  static int writeEthernet(byte[] out, MAC dst, MAC src, int etherType, byte[] data, int off, int len) {
    dst.writeTo(out, 0);
    src.writeTo(out, 6);
    out[12] = (byte) (etherType >>> 8);
    out[13] = (byte) etherType;
    System.arraycopy(data, off, out, ETHERNET_HEADER, len);
    return ETHERNET_HEADER + len;
  }

  @Override
  public String toString() {
    return "VirtualTap[" + String.format("%016x", networkId) + " " + iface + "]";
  }
}
