package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.vl1.Vl1Constants;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.LinkProfile;
import io.zt4j.testkit.simnet.SimNetwork;
import org.junit.jupiter.api.Test;

/**
 * A direct path that dies: traffic falls back to the root once ZeroTier gives the path up
 * ({@link Vl1Constants#PEER_PATH_EXPIRATION_MILLIS} of silence), and goes direct again after the
 * path comes back (the root re-introduces the peers at most every 30 s).
 */
class PathFailoverIT {
  @Test
  void aDeadDirectPathFailsOverToTheRootAndRecovers() {
    SimNetwork net = new SimNetwork(99);
    World planet = TestWorlds.planet(0x77L, 1L, TestIdentities.get(0), new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
    LinkProfile wan = LinkProfile.delay(20).withJitter(5);
    SimNode root = new SimNode(net, "root", net.internet().addHost("root", wan, "1.0.0.1"), 9993, TestIdentities.get(1), planet, 1);
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", wan, "2.0.0.2"), 9993, TestIdentities.get(2), planet, 2);
    SimNode b = new SimNode(net, "b", net.internet().addHost("b", wan, "3.0.0.3"), 9993, TestIdentities.get(3), planet, 3);
    root.start();
    a.start();
    b.start();
    assertThat(net.runUntil(() -> a.online() && b.online(), 10_000)).isTrue();
    talkUntil(net, a, b, () -> a.direct(b.address()) && b.direct(a.address()), 60_000);
    assertThat(a.direct(b.address())).isTrue();

    Runnable lift = net.blockBetween("2.0.0.2", "3.0.0.3");
    long blockedAt = net.nowMillis();
    long relayedBy = blockedAt + Vl1Constants.PEER_PATH_EXPIRATION_MILLIS + 15_000;
    // Traffic resumes through the root: a message sent now arrives.
    long resumedAt = -1;
    int before = b.userMessages().size();
    while (net.nowMillis() < relayedBy) {
      a.send(b, 3, "through?");
      b.send(a, 3, "back");
      net.runFor(1_000);
      if (b.userMessages().size() > before && resumedAt < 0 && net.nowMillis() - blockedAt > 5_000) {
        resumedAt = net.nowMillis();
        break;
      }
      before = b.userMessages().size();
    }
    assertThat(resumedAt).as("relayed delivery resumed").isPositive();
    assertThat(a.direct(b.address())).isFalse();
    assertThat(a.events()).anyMatch(e -> e instanceof NodeEvent.PeerRelayed r && r.peer().equals(b.address()));

    lift.run();
    long liftedAt = net.nowMillis();
    talkUntil(net, a, b, () -> a.direct(b.address()) && b.direct(a.address()), 90_000);
    assertThat(a.direct(b.address()) && b.direct(a.address())).as("direct again").isTrue();
    System.out.printf("failover: relayed %d ms after the path died, direct %d ms after it came back%n",
        resumedAt - blockedAt, net.nowMillis() - liftedAt);
  }

  static void talkUntil(SimNetwork net, SimNode a, SimNode b, java.util.function.BooleanSupplier done, long maxMillis) {
    long until = net.nowMillis() + maxMillis;
    int i = 0;
    while (net.nowMillis() < until && !done.getAsBoolean()) {
      a.send(b, 1, "a" + i);
      b.send(a, 1, "b" + i);
      i++;
      net.runFor(1_000);
    }
  }
}
