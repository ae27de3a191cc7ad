package io.zt4j.testkit.simnet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A simulated NAT between a private {@linkplain #inside() inside realm} and an outside realm,
 * behaving as its {@link NatBehavior} says. It is one router hop (decrements the TTL).
 *
 * <p>State: a table of mappings (inside endpoint [+ remote, for dependent mappings] → public
 * port), each with the remotes it may receive from (its filter permissions) and a last-used time.
 * Idle mappings expire after the behaviour's timeout and are swept so the table stays bounded
 * by the traffic of the last timeout period.
 */
public final class Nat {
  private static final int FIRST_PORT = 1024;
  private static final int PORT_COUNT = 65536 - FIRST_PORT;

  private final SimNetwork net;
  private final String name;
  private final Realm outside;
  private final Realm inside;
  private final InetAddress publicIp;
  private final NatBehavior behavior;
  private final LinkProfile uplink;
  private final Map<Object, Mapping> byKey = new HashMap<>();
  private final Map<Integer, Mapping> byPort = new HashMap<>();
  private long lastSweep;

  Nat(SimNetwork net, String name, Realm outside, InetAddress publicIp, NatBehavior behavior, LinkProfile uplink) {
    this.net = net;
    this.name = name;
    this.outside = outside;
    this.publicIp = publicIp;
    this.behavior = behavior;
    this.uplink = uplink;
    this.inside = new Realm(net, name + "-lan", 0, this, LinkProfile.PERFECT);
  }

  public String name() {
    return name;
  }

  public Realm inside() {
    return inside;
  }

  public Realm outside() {
    return outside;
  }

  public InetAddress publicIp() {
    return publicIp;
  }

  public NatBehavior behavior() {
    return behavior;
  }

  LinkProfile uplink() {
    return uplink;
  }

  /** Number of live (not expired) mappings. */
  public int mappingCount() {
    sweep(true);
    return byPort.size();
  }

  /**
   * The public endpoint currently mapped for {@code insideEndpoint} towards {@code remote}, or
   * null if there is none (for an endpoint-independent mapping the remote does not matter).
   */
  public InetSocketAddress publicEndpointFor(InetSocketAddress insideEndpoint, InetSocketAddress remote) {
    Mapping m = byKey.get(key(insideEndpoint, remote));
    if (m == null || expired(m)) {
      return null;
    }
    return new InetSocketAddress(publicIp, m.publicPort);
  }

  /** A datagram from the inside realm to somewhere not inside. */
  void outbound(Datagram d) {
    if (d.ttl() <= 1) {
      net.count(SimNetwork.Counter.TTL_EXPIRED, d);
      return;
    }
    Datagram hopped = d.hop();
    sweep(false);
    Object key = key(hopped.source(), hopped.destination());
    Mapping m = byKey.get(key);
    if (m != null && expired(m)) {
      remove(m);
      m = null;
    }
    if (m == null) {
      int port = allocatePort(hopped.source().getPort());
      if (port < 0) {
        net.count(SimNetwork.Counter.NO_ROUTE, hopped);
        return;
      }
      m = new Mapping(key, hopped.source(), port);
      byKey.put(key, m);
      byPort.put(port, m);
      net.count(SimNetwork.Counter.NAT_MAPPING_CREATED, hopped);
    }
    long now = net.nowMillis();
    m.lastUsed = now;
    m.permissions.put(permissionKey(hopped.destination()), now);
    Datagram translated = hopped.rewrite(new InetSocketAddress(publicIp, m.publicPort), hopped.destination());
    if (hopped.destination().getAddress().equals(publicIp)) {
      if (!behavior.hairpinning()) {
        net.count(SimNetwork.Counter.NAT_HAIRPIN_REFUSED, translated);
        return;
      }
      net.count(SimNetwork.Counter.NAT_HAIRPINNED, translated);
      translate(translated);
      return;
    }
    net.crossLink(uplink, translated, outside::route);
  }

  /** A datagram addressed to the public IP, arriving from the outside realm. */
  void inbound(Datagram d) {
    if (d.ttl() <= 1) {
      net.count(SimNetwork.Counter.TTL_EXPIRED, d);
      return;
    }
    translate(d.hop());
  }

  /** Delivers {@code d} (addressed to a public port) inside, if a mapping and its filter allow. */
  private void translate(Datagram d) {
    Mapping m = byPort.get(d.destination().getPort());
    if (m == null) {
      net.count(SimNetwork.Counter.NAT_NO_MAPPING, d);
      return;
    }
    if (expired(m)) {
      remove(m);
      net.count(SimNetwork.Counter.NAT_NO_MAPPING, d);
      return;
    }
    if (!permits(m, d.source())) {
      net.count(SimNetwork.Counter.NAT_FILTERED, d);
      return;
    }
    if (behavior.inboundRefresh()) {
      m.lastUsed = net.nowMillis();
    }
    inside.route(d.rewrite(d.source(), m.inside));
  }

  private boolean permits(Mapping m, InetSocketAddress remote) {
    switch (behavior.filtering()) {
      case ENDPOINT_INDEPENDENT:
        return true;
      default:
        Long at = m.permissions.get(permissionKey(remote));
        return at != null && net.nowMillis() - at <= behavior.mappingTimeoutMillis();
    }
  }

  private Object permissionKey(InetSocketAddress remote) {
    return switch (behavior.filtering()) {
      case ENDPOINT_INDEPENDENT -> Boolean.TRUE;
      case ADDRESS_DEPENDENT -> remote.getAddress();
      case ADDRESS_AND_PORT_DEPENDENT -> remote;
    };
  }

  private Object key(InetSocketAddress insideEndpoint, InetSocketAddress remote) {
    return switch (behavior.mapping()) {
      case ENDPOINT_INDEPENDENT -> insideEndpoint;
      case ADDRESS_DEPENDENT -> new MappingKey(insideEndpoint, remote.getAddress());
      case ADDRESS_AND_PORT_DEPENDENT -> new MappingKey(insideEndpoint, remote);
    };
  }

  private int allocatePort(int insidePort) {
    int start;
    if (behavior.portAllocation() == NatBehavior.PortAllocation.PRESERVE && insidePort >= FIRST_PORT) {
      start = insidePort;
    } else {
      start = FIRST_PORT + net.random().nextInt(PORT_COUNT);
    }
    for (int i = 0; i < PORT_COUNT; i++) {
      int p = FIRST_PORT + ((start - FIRST_PORT + i) % PORT_COUNT);
      Mapping existing = byPort.get(p);
      if (existing == null) {
        return p;
      }
      if (expired(existing)) {
        remove(existing);
        return p;
      }
    }
    return -1;
  }

  private boolean expired(Mapping m) {
    return net.nowMillis() - m.lastUsed > behavior.mappingTimeoutMillis();
  }

  private void remove(Mapping m) {
    byKey.remove(m.key, m);
    byPort.remove(m.publicPort, m);
  }

  private void sweep(boolean force) {
    long now = net.nowMillis();
    if (!force && now - lastSweep < behavior.mappingTimeoutMillis()) {
      return;
    }
    lastSweep = now;
    for (Iterator<Mapping> it = byPort.values().iterator(); it.hasNext(); ) {
      Mapping m = it.next();
      if (expired(m)) {
        it.remove();
        byKey.remove(m.key, m);
        net.count(SimNetwork.Counter.NAT_MAPPING_EXPIRED,
            new Datagram(m.inside, new InetSocketAddress(publicIp, m.publicPort), new byte[0], 0));
      } else {
        m.permissions.values().removeIf(at -> now - at > behavior.mappingTimeoutMillis());
      }
    }
  }

  @Override
  public String toString() {
    return name + "(" + behavior.label() + " " + publicIp.getHostAddress() + ")";
  }

  private record MappingKey(InetSocketAddress inside, Object remote) {
    MappingKey {
      Objects.requireNonNull(inside);
      Objects.requireNonNull(remote);
    }
  }

  private static final class Mapping {
    final Object key;
    final InetSocketAddress inside;
    final int publicPort;
    final Map<Object, Long> permissions = new HashMap<>();
    long lastUsed;

    Mapping(Object key, InetSocketAddress inside, int publicPort) {
      this.key = key;
      this.inside = inside;
      this.publicPort = publicPort;
    }
  }
}
