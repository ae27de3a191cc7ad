package io.zt4j.testkit.simnet;

import static io.zt4j.testkit.simnet.SimNetwork.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.testkit.simnet.SimNetwork.Counter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Virtual time, scheduling, link faults and determinism of the simulated network. */
class SimNetworkTest {

  /** Arrival times and sequence numbers seen by a receiver. */
  record Arrival(long at, int seqNo) {}

  private static List<Arrival> sendThrough(long seed, LinkProfile link, int count) {
    SimNetwork net = new SimNetwork(seed);
    SimSocket a = net.internet().addHost("a", link, "1.0.0.1").bind(1);
    List<Arrival> got = new ArrayList<>();
    net.internet().addHost("b", "1.0.0.2").bind(2)
        .onReceive((s, from, data) -> got.add(new Arrival(net.nowMillis(), ((data[0] & 0xff) << 8) | (data[1] & 0xff))));
    for (int i = 0; i < count; i++) {
      int n = i;
      net.schedule(i, () -> a.send(endpoint("1.0.0.2", 2), new byte[] {(byte) (n >> 8), (byte) n}));
    }
    net.runFor(count + 10_000);
    return got;
  }

  @Test
  void eventsRunInTimeOrderAndTiesInSchedulingOrder() {
    SimNetwork net = new SimNetwork(0);
    List<String> log = new ArrayList<>();
    net.schedule(20, () -> log.add("b"));
    net.schedule(10, () -> log.add("a"));
    net.schedule(20, () -> log.add("c"));
    SimNetwork.Scheduled x = net.schedule(15, () -> log.add("x"));
    x.cancel();
    net.runUntil(19);
    assertThat(log).containsExactly("a");
    assertThat(net.nowMillis()).isEqualTo(19);
    net.runFor(100);
    assertThat(log).containsExactly("a", "b", "c");
    assertThat(net.nowMillis()).isEqualTo(119);
  }

  @Test
  void runUntilConditionStopsAtTheEventThatMakesItTrue() {
    SimNetwork net = new SimNetwork(0);
    List<Integer> seen = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      int n = i;
      net.schedule(i * 100L, () -> seen.add(n));
    }
    assertThat(net.runUntil(() -> seen.size() == 3, 10_000)).isTrue();
    assertThat(net.nowMillis()).isEqualTo(300);
    assertThat(net.runUntil(() -> seen.size() == 99, 5_000)).isFalse();
    assertThat(net.nowMillis()).isEqualTo(5_000);
  }

  @Test
  void aPerfectLinkDeliversEverythingInOrderInstantly() {
    List<Arrival> got = sendThrough(1, LinkProfile.PERFECT, 100);
    assertThat(got).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(got.get(i)).isEqualTo(new Arrival(i, i));
    }
  }

  @Test
  void delayAndJitterStayWithinTheirBounds() {
    List<Arrival> got = sendThrough(2, LinkProfile.delay(30).withJitter(10), 500);
    assertThat(got).hasSize(500);
    for (Arrival a : got) {
      assertThat(a.at() - a.seqNo()).isBetween(30L, 40L);
    }
    assertThat(got.stream().mapToLong(a -> a.at() - a.seqNo()).distinct().count()).isGreaterThan(5);
  }

  @Test
  void lossIsNearItsProbability() {
    List<Arrival> got = sendThrough(3, LinkProfile.delay(5).withLoss(0.3), 10_000);
    assertThat(got.size()).isBetween(6_700, 7_300);
  }

  @Test
  void duplicationDeliversSomeDatagramsTwice() {
    List<Arrival> got = sendThrough(4, LinkProfile.delay(5).withDuplicate(0.1), 5_000);
    long distinct = got.stream().mapToInt(Arrival::seqNo).distinct().count();
    assertThat(distinct).isEqualTo(5_000);
    assertThat(got.size() - distinct).isBetween(400L, 600L);
  }

  @Test
  void reorderingLetsLaterDatagramsOvertake() {
    List<Arrival> got = sendThrough(5, LinkProfile.delay(5).withReorder(0.2, 50), 1_000);
    assertThat(got).hasSize(1_000);
    int inversions = 0;
    for (int i = 1; i < got.size(); i++) {
      if (got.get(i).seqNo() < got.get(i - 1).seqNo()) {
        inversions++;
      }
    }
    assertThat(inversions).isGreaterThan(100);
  }

  @Test
  void theSameSeedReplaysExactlyAndAnotherSeedDoesNot() {
    LinkProfile lossy = LinkProfile.delay(10).withJitter(20).withLoss(0.2).withDuplicate(0.05).withReorder(0.1, 30);
    assertThat(sendThrough(77, lossy, 2_000)).isEqualTo(sendThrough(77, lossy, 2_000));
    assertThat(sendThrough(77, lossy, 2_000)).isNotEqualTo(sendThrough(78, lossy, 2_000));
  }

  @Test
  void blockBetweenDropsBothWaysUntilLifted() {
    SimNetwork net = new SimNetwork(0);
    List<Integer> got = new ArrayList<>();
    SimSocket a = net.internet().addHost("a", "1.0.0.1").bind(1).onReceive((s, f, d) -> got.add((int) d[0]));
    SimSocket b = net.internet().addHost("b", "1.0.0.2").bind(2).onReceive((s, f, d) -> got.add((int) d[0]));
    Runnable lift = net.blockBetween("1.0.0.1", "1.0.0.2");
    a.send(b.localAddress(), new byte[] {1});
    b.send(a.localAddress(), new byte[] {2});
    net.runFor(1);
    assertThat(got).isEmpty();
    assertThat(net.count(Counter.DROPPED_BY_RULE)).isEqualTo(2);
    lift.run();
    a.send(b.localAddress(), new byte[] {3});
    net.runFor(1);
    assertThat(got).containsExactly(3);
  }

  @Test
  void ipv6HostsWorkAndFamiliesDoNotMix() {
    SimNetwork net = new SimNetwork(0);
    List<Integer> got = new ArrayList<>();
    SimHost a = net.internet().addHost("a", "1.0.0.1", "2001:db8::1");
    SimSocket a6 = a.bind(SimNetwork.ip("2001:db8::1"), 1);
    net.internet().addHost("b", "2001:db8::2").bind(2).onReceive((s, f, d) -> got.add((int) d[0]));
    assertThat(a6.send(endpoint("2001:db8::2", 2), new byte[] {1})).isTrue();
    assertThat(a.bind(1).send(endpoint("2001:db8::2", 2), new byte[] {2})).isFalse();
    net.runFor(1);
    assertThat(got).containsExactly(1);
  }

  @Test
  void onlyIpLiteralsAreAccepted() {
    assertThatThrownBy(() -> SimNetwork.ip("example.com")).isInstanceOf(IllegalArgumentException.class);
    assertThat(SimNetwork.ip("::1").isLoopbackAddress()).isTrue();
  }

  @Test
  void bindingRefusesDuplicatesAndForeignAddresses() {
    SimNetwork net = new SimNetwork(0);
    SimHost a = net.internet().addHost("a", "1.0.0.1");
    a.bind(9993);
    assertThatThrownBy(() -> a.bind(9993)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.bind(SimNetwork.ip("1.0.0.9"), 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(a.bind(0).localAddress().getPort()).isGreaterThanOrEqualTo(49152);
  }
}
