package io.zt4j.node.sim;

import static io.zt4j.node.vl1.Vl1Constants.PATH_HEARTBEAT_PERIOD_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_ACTIVITY_TIMEOUT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_PING_PERIOD_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PING_CHECK_INTERVAL_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.vl2.AdHocNetwork;
import io.zt4j.node.vl2.ManagedAddresses;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.TestFrames;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An idle direct path is kept alive at ZeroTier's periods and no more often: something goes out
 * on it at least every {@code ZT_PATH_HEARTBEAT_PERIOD} (14 s, checked every 5 s), a full HELLO
 * every {@code ZT_PEER_PING_PERIOD} (60 s), and the path stays direct while the peer is active
 * ({@code ZT_PEER_ACTIVITY_TIMEOUT}, 500 s since the last frame; user messages do not count, as in
 * ZeroTier); after that the heartbeats stop.
 */
class KeepaliveSimTest {
  static final int VERB_HELLO = 1;

  record Sent(long at, boolean hello) {}

  @Test
  void anIdleDirectPathGetsHeartbeatsAndHellosAtZeroTiersPeriods() {
    SimPlanet sim = new SimPlanet(17, 0xabcdef06L);
    SimNetwork net = sim.net;
    SimNode root = sim.root();
    SimNode a = sim.node("a", "2.0.0.2", 2);
    SimNode b = sim.node("b", "3.0.0.3", 3);
    root.start();
    a.start();
    b.start();
    assertThat(net.runUntil(() -> a.online() && b.online(), 30_000)).isTrue();
    // Frames on a shared (ad-hoc) network make the peers active for each other, as in ZeroTier
    // (user messages alone do not count as activity there either).
    long nwid = AdHocNetwork.portRangeNetworkId(7000, 7100);
    a.join(nwid);
    b.join(nwid);
    assertThat(net.runUntil(() -> a.network(nwid) != null && a.network(nwid).status() == NetworkStatus.OK
        && b.network(nwid) != null && b.network(nwid).status() == NetworkStatus.OK, net.nowMillis() + 30_000)).isTrue();
    InetAddress a6 = ManagedAddresses.sixPlane(nwid, a.address().toLong());
    InetAddress b6 = ManagedAddresses.sixPlane(nwid, b.address().toLong());
    MAC aMac = MAC.fromAddress(a.address().toLong(), nwid);
    MAC bMac = MAC.fromAddress(b.address().toLong(), nwid);
    long until = net.nowMillis() + 60_000;
    while (net.nowMillis() < until && !(a.direct(b.address()) && b.direct(a.address()))) {
      a.tapSend(nwid, aMac, bMac, 0x86dd, TestFrames.ipv6(0, 17, a6.toIpString(), b6.toIpString(), TestFrames.udp(5, 7050, 4)));
      b.tapSend(nwid, bMac, aMac, 0x86dd, TestFrames.ipv6(0, 17, b6.toIpString(), a6.toIpString(), TestFrames.udp(7050, 5, 4)));
      net.runFor(1_000);
    }
    assertThat(a.direct(b.address()) && b.direct(a.address())).isTrue();
    assertThat(b.tapFrames()).isNotEmpty();
    net.runFor(1_000);

    List<Sent> aToB = new ArrayList<>();
    long start = net.nowMillis();
    net.addDropRule(d -> {
      if (d.source().getAddress().getHostAddress().equals("2.0.0.2")
          && d.destination().getAddress().getHostAddress().equals("3.0.0.3")) {
        byte[] p = d.payload();
        // HELLO travels with cipher suite 0 (not encrypted), so its verb byte is readable
        boolean hello = p.length > 27 && ((p[18] >> 3) & 7) == 0 && (p[27] & 0x1f) == VERB_HELLO;
        aToB.add(new Sent(net.nowMillis(), hello));
      }
      return false;
    });
    long idle = 450_000; // below the 500 s activity timeout
    net.runFor(idle);

    assertThat(a.direct(b.address()) && b.direct(a.address())).as("still direct after 450 idle seconds").isTrue();
    long last = start;
    long maxGap = 0;
    for (Sent s : aToB) {
      maxGap = Math.max(maxGap, s.at() - last);
      last = s.at();
    }
    maxGap = Math.max(maxGap, start + idle - last);
    assertThat(maxGap).as("longest silence on the path").isLessThanOrEqualTo(PATH_HEARTBEAT_PERIOD_MILLIS + PING_CHECK_INTERVAL_MILLIS);
    // at most one keepalive per ping check: nothing chattier than ZeroTier
    assertThat(aToB.size()).isBetween((int) (idle / (PATH_HEARTBEAT_PERIOD_MILLIS + PING_CHECK_INTERVAL_MILLIS)),
        (int) (idle / PING_CHECK_INTERVAL_MILLIS));
    long hellos = aToB.stream().filter(Sent::hello).count();
    assertThat(hellos).as("full HELLOs in %d ms at one per %d ms", idle, PEER_PING_PERIOD_MILLIS)
        .isBetween(idle / PEER_PING_PERIOD_MILLIS - 1, idle / PEER_PING_PERIOD_MILLIS + 1);

    // Past the activity timeout (500 s after the last frame) the heartbeats stop, as in ZeroTier;
    // what still goes to b is VL2's once-a-minute multicast announcement.
    net.runFor(PEER_ACTIVITY_TIMEOUT_MILLIS);
    long heartbeatsEnd = start + PEER_ACTIVITY_TIMEOUT_MILLIS + PING_CHECK_INTERVAL_MILLIS;
    List<Long> late = aToB.stream().map(Sent::at).filter(t -> t > heartbeatsEnd).toList();
    assertThat(late).hasSizeLessThanOrEqualTo((int) ((net.nowMillis() - heartbeatsEnd) / 55_000) + 1);
    for (int i = 1; i < late.size(); i++) {
      assertThat(late.get(i) - late.get(i - 1)).isGreaterThanOrEqualTo(55_000);
    }
  }
}
