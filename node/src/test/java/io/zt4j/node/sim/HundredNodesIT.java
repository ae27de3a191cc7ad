package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.vl1.Vl1Counters;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.LinkProfile;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 100 nodes on one root: all go online, talk in a ring (relayed, then direct), and then idle
 * for half an hour of virtual time. Memory and work stay bounded: the root keeps one peer and
 * one or two paths per node, every node wakes about once per ping check when idle, and peers
 * nobody talks to any more are dropped from memory.
 */
class HundredNodesIT {
  static final int N = 100;

  @Test
  void hundredNodesOnOneRoot() {
    long realStart = System.nanoTime();
    SimNetwork net = new SimNetwork(100);
    World planet = TestWorlds.planet(0x100L, 1L, TestIdentities.get(0), new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
    SimNode root = new SimNode(net, "root", net.internet().addHost("root", LinkProfile.delay(5), "1.0.0.1"), 9993,
        TestIdentities.get(1), planet, 1).start();
    List<SimNode> nodes = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      LinkProfile link = LinkProfile.delay(10 + i % 20).withJitter(3).withLoss(0.01);
      nodes.add(new SimNode(net, "n" + i, net.internet().addHost("n" + i, link, "20." + (i + 1) + ".0.1"), 9993,
          TestIdentities.get(2 + i), planet, 10 + i).start());
    }
    assertThat(net.runUntil(() -> nodes.stream().allMatch(SimNode::online), 30_000)).as("all online").isTrue();
    long allOnlineAt = net.nowMillis();

    // Two minutes of traffic in a ring: each node greets the next every two seconds.
    for (int round = 0; round < 60; round++) {
      for (int i = 0; i < N; i++) {
        nodes.get(i).send(nodes.get((i + 1) % N), 1, "ring " + round);
      }
      net.runFor(2_000);
    }
    int direct = 0;
    for (int i = 0; i < N; i++) {
      SimNode n = nodes.get(i);
      assertThat(n.userMessages()).as("messages at %s", n).hasSizeGreaterThan(40);
      if (n.direct(nodes.get((i + 1) % N).address())) {
        direct++;
      }
    }
    assertThat(direct).as("ring links gone direct").isEqualTo(N);
    assertThat(root.node().counters().relayed()).isPositive();

    // Half an hour idle.
    long idleStart = net.nowMillis();
    long[] runsBefore = nodes.stream().mapToLong(SimNode::backgroundRuns).toArray();
    long rootRunsBefore = root.backgroundRuns();
    long rootInBefore = root.node().counters().datagramsIn();
    nodes.forEach(SimNode::clearEvents);
    net.runFor(30 * 60_000);
    long idleMinutes = (net.nowMillis() - idleStart) / 60_000;
    long maxRuns = 0;
    for (int i = 0; i < N; i++) {
      maxRuns = Math.max(maxRuns, nodes.get(i).backgroundRuns() - runsBefore[i]);
    }
    long rootRuns = root.backgroundRuns() - rootRunsBefore;
    long rootIn = root.node().counters().datagramsIn() - rootInBefore;
    // Idle work: a ping check every 5 s (12 a minute) plus housekeeping every 30 s.
    assertThat(maxRuns).isLessThanOrEqualTo(idleMinutes * 15);
    assertThat(rootRuns).isLessThanOrEqualTo(idleMinutes * 15);
    // Idle traffic at the root: every node's keepalives and WHOIS, well under one datagram per node per 5 s.
    assertThat(rootIn).isLessThan(idleMinutes * N * 12);
    // Memory: the root knows exactly the 100 nodes (one path each here); idle nodes forgot each other.
    assertThat(root.node().peers(root.now())).hasSize(N);
    assertThat(root.node().peers(root.now())).allMatch(p -> p.paths().size() <= 2);
    for (SimNode n : nodes) {
      assertThat(n.node().peers(n.now())).as("peers in memory at %s", n).hasSizeLessThanOrEqualTo(2);
      assertThat(n.online()).isTrue();
    }
    Vl1Counters.Snapshot rc = root.node().counters();
    assertThat(rc.drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).isZero();
    assertThat(rc.drops(Vl1Counters.Drop.MALFORMED)).isZero();

    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
    System.out.printf("100 nodes: all online at %d ms virtual; idle 30 min: <= %d background runs per node,"
            + " root %d runs and %d datagrams in; heap after GC %d MB; real time %d ms%n",
        allOnlineAt, maxRuns, rootRuns, rootIn, heapMb, (System.nanoTime() - realStart) / 1_000_000);
    assertThat(heapMb).isLessThan(512);
  }
}
