package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.PATH_HEARTBEAT_PERIOD_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_ACTIVITY_TIMEOUT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PING_CHECK_INTERVAL_MILLIS;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.wire.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ping check that runs every {@link Vl1Constants#PING_CHECK_INTERVAL_MILLIS}
 * ({@code Node::processBackgroundTasks}, {@code _PingPeersThatNeedPing}):
 *
 * <ul>
 *   <li>upstreams (and addresses VL2 must always reach) are HELLOed at their stable endpoints —
 *       every ping check while we have no path to a root, otherwise every 16 heartbeat periods
 *       (every 2 for leaves) — and kept alive over their paths;
 *   <li>active peers get an ECHO per path each heartbeat period and a full HELLO each ping period;
 *   <li>always-contact addresses we have no peer for are looked up with WHOIS;
 *   <li>the node is ONLINE while an upstream was heard from within the activity timeout (a root
 *       is always online); changes are reported as events, as are peers gaining or losing a
 *       direct path.
 * </ul>
 */
final class Keepalive {
  private final Vl1 vl1;
  private final List<Consumer<Map<Long, List<InetAddress>>>> alwaysContactSources = new ArrayList<>();
  private long lastPingCheckAt = Peer.NEVER;
  private boolean online;

  Keepalive(Vl1 vl1) {
    this.vl1 = vl1;
  }

  boolean online() {
    return online;
  }

  /**
   * An upstream was just heard from: ONLINE at once rather than at the next ping check (the
   * condition is ZeroTier's; only the moment it is noticed is earlier).
   */
  void upstreamHeard() {
    if (!online) {
      online = true;
      vl1.event(new NodeEvent.Online());
      vl1.outbound().upstreamReachable();
    }
  }

  /** VL2 adds the addresses its networks must always reach (controllers, relays…). */
  void addAlwaysContactSource(Consumer<Map<Long, List<InetAddress>>> source) {
    alwaysContactSources.add(source);
  }

  /** @return absolute time of the next ping check */
  long run(long now) {
    if (now - lastPingCheckAt < PING_CHECK_INTERVAL_MILLIS) {
      return lastPingCheckAt + PING_CHECK_INTERVAL_MILLIS;
    }
    lastPingCheckAt = now;
    Topology t = vl1.topology();
    Map<Long, List<InetAddress>> alwaysContact = new LinkedHashMap<>(t.upstreamsToContact());
    long lastFromUpstream = Peer.NEVER;
    for (long a : alwaysContact.keySet()) {
      Peer p = t.peerInMemory(a);
      if (p != null) {
        lastFromUpstream = Math.max(lastFromUpstream, p.lastReceiveAt());
      }
    }
    for (Consumer<Map<Long, List<InetAddress>>> s : alwaysContactSources) {
      s.accept(alwaysContact);
    }
    Peer bestUpstream = t.bestUpstream(now);
    for (Peer p : new ArrayList<>(t.peers())) {
      List<InetAddress> endpoints = alwaysContact.get(p.address());
      if (endpoints != null) {
        contactAlways(p, endpoints, bestUpstream, alwaysContact, now);
      } else if (p.isActive(now)) {
        p.doPingAndKeepalive(vl1, now);
      }
      reportDirectness(p, now);
    }
    for (long a : alwaysContact.keySet()) {
      vl1.requestWhois(a);
    }
    boolean wasOnline = online;
    online = now - lastFromUpstream < PEER_ACTIVITY_TIMEOUT_MILLIS || t.amUpstream();
    if (online != wasOnline) {
      vl1.event(online ? new NodeEvent.Online() : new NodeEvent.Offline());
    }
    return now + PING_CHECK_INTERVAL_MILLIS;
  }

  private void contactAlways(Peer p, List<InetAddress> endpoints, Peer bestUpstream,
      Map<Long, List<InetAddress>> alwaysContact, long now) {
    Topology.Role role = vl1.topology().role(p.address());
    int scale = role == Topology.Role.LEAF ? 2 : 16;
    if (role != Topology.Role.LEAF && p.paths().isEmpty()) {
      scale = 0; // no path to a root yet: keep trying every ping check
    }
    if (now - p.lastSentFullHelloAt() <= PATH_HEARTBEAT_PERIOD_MILLIS * scale) {
      return; // stays in alwaysContact, so it is WHOISed below, as ZeroTier does
    }
    int sent = p.doPingAndKeepalive(vl1, now);
    boolean contacted = sent != 0;
    if ((sent & 0x1) == 0 && helloFirstOfFamily(p, endpoints, true, now)) {
      contacted = true;
    }
    if ((sent & 0x2) == 0 && helloFirstOfFamily(p, endpoints, false, now)) {
      contacted = true;
    }
    if (!contacted && bestUpstream != null) {
      Path up = bestUpstream.bestPath(now, true);
      if (up != null) {
        vl1.sendHello(p, up.address(), now);
      }
    }
    alwaysContact.remove(p.address());
  }

  /** HELLOs one endpoint of the family, starting at a random one; true if one was sent. */
  private boolean helloFirstOfFamily(Peer p, List<InetAddress> endpoints, boolean v4, long now) {
    if (endpoints.isEmpty()) {
      return false;
    }
    int start = (int) Long.remainderUnsigned(vl1.random().nextLong(), endpoints.size());
    for (int k = 0; k < endpoints.size(); k++) {
      InetAddress a = endpoints.get((start + k) % endpoints.size());
      if (a.isV4() == v4 && (a.isV4() || a.isV6())) {
        vl1.sendHello(p, a, now);
        return true;
      }
    }
    return false;
  }

  private void reportDirectness(Peer p, long now) {
    if (vl1.topology().isUpstream(p.address()) && !p.isAlive(now)) {
      return;
    }
    Boolean change = p.directnessChange(now);
    if (change != null) {
      Path best = p.bestPath(now, false);
      vl1.event(change && best != null ? new NodeEvent.PeerDirect(p.identity().address(), best.address())
          : new NodeEvent.PeerRelayed(p.identity().address()));
    }
  }
}
