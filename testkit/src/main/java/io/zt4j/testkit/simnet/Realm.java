package io.zt4j.testkit.simnet;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * One IP address space: the internet, or the private side of a {@link Nat}. Routes a datagram to
 * the host that owns its destination address, into a NAT whose public address it is, or out
 * through the realm's gateway NAT.
 */
public final class Realm {
  private final SimNetwork net;
  private final String name;
  private final int routerHops;
  private final Nat gateway;
  private final LinkProfile coreProfile;
  private final Map<InetAddress, SimHost> hosts = new HashMap<>();
  private final Map<InetAddress, Nat> nats = new HashMap<>();

  Realm(SimNetwork net, String name, int routerHops, Nat gateway, LinkProfile coreProfile) {
    this.net = net;
    this.name = name;
    this.routerHops = routerHops;
    this.gateway = gateway;
    this.coreProfile = coreProfile;
  }

  public String name() {
    return name;
  }

  /** The NAT this realm sits behind, or null for the internet. */
  public Nat gateway() {
    return gateway;
  }

  /**
   * Adds a host owning {@code ips} (IPv4 and/or IPv6 literals), attached by a link with
   * {@code link}.
   */
  public SimHost addHost(String hostName, LinkProfile link, String... ips) {
    if (ips.length == 0) {
      throw new IllegalArgumentException("a host needs an address");
    }
    InetAddress[] addrs = new InetAddress[ips.length];
    for (int i = 0; i < ips.length; i++) {
      addrs[i] = SimNetwork.ip(ips[i]);
      if (hosts.containsKey(addrs[i]) || nats.containsKey(addrs[i])) {
        throw new IllegalArgumentException(ips[i] + " already in use in " + name);
      }
    }
    SimHost h = new SimHost(net, this, hostName, addrs, link);
    for (InetAddress a : addrs) {
      hosts.put(a, h);
    }
    return h;
  }

  /** A host with a perfect link. */
  public SimHost addHost(String hostName, String... ips) {
    return addHost(hostName, LinkProfile.PERFECT, ips);
  }

  void attachNat(Nat nat) {
    if (hosts.containsKey(nat.publicIp()) || nats.containsKey(nat.publicIp())) {
      throw new IllegalArgumentException(nat.publicIp().getHostAddress() + " already in use in " + name);
    }
    nats.put(nat.publicIp(), nat);
  }

  /** A datagram has entered this realm (from a host's link or a NAT). */
  void route(Datagram d) {
    if (net.droppedByRule(d)) {
      return;
    }
    Datagram routed = d;
    for (int i = 0; i < routerHops; i++) {
      if (routed.ttl() <= 1) {
        net.count(SimNetwork.Counter.TTL_EXPIRED, routed);
        return;
      }
      routed = routed.hop();
    }
    Datagram r = routed;
    net.crossLink(coreProfile, r, this::routeNow);
  }

  private void routeNow(Datagram d) {
    InetAddress dst = d.destination().getAddress();
    SimHost host = hosts.get(dst);
    if (host != null) {
      net.crossLink(host.link(), d, host::receive);
      return;
    }
    Nat nat = nats.get(dst);
    if (nat != null) {
      net.crossLink(nat.uplink(), d, nat::inbound);
      return;
    }
    if (gateway != null) {
      gateway.outbound(d);
      return;
    }
    net.count(SimNetwork.Counter.NO_ROUTE, d);
  }

  @Override
  public String toString() {
    return name;
  }
}
