package io.zt4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.socket.icmp.PingReply;
import io.zt4j.stack.socket.icmp.PingSocket;
import io.zt4j.stack.socket.udp.UdpMeta;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.link.Impairment;
import io.zt4j.testkit.link.SimSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Four stacks on one impaired segment (seeded loss, duplication, reordering, delay, jitter, a
 * rate limit and a link MTU): each sends UDP requests to every other one, which echo them, and
 * pings everyone over IPv4 and IPv6. The same seed replays exactly.
 */
class SimulatedNetworkTest {
  static final long MS = 1_000_000L;
  static final long SEC = 1_000_000_000L;
  static final int N = 4;
  static final int ROUNDS = 20;

  record Outcome(long echoed, long pingsOk, long pingsFailed, Map<String, Long> switchCounters, List<Map<String, Long>> stats) {}

  Outcome run(long seed, String pcap) {
    try (TestNet net = new TestNet(seed)) {
      if (pcap != null) {
        net.capture(pcap);
      }
      Impairment imp = Impairment.NONE.withDelay(2 * MS).withJitter(MS).withLoss(0.05).withDuplicate(0.02)
          .withReorder(0.05, 3 * MS).withRate(100_000_000L, 200).withMtu(1500);
      List<TestNet.Host> hosts = new ArrayList<>();
      List<UdpSocket> servers = new ArrayList<>();
      for (int i = 1; i <= N; i++) {
        TestNet.Host h = net.host(PingTest.cfg(i).withMtu(1500));
        h.port.impair(imp);
        UdpSocket s = h.stack.udp().open();
        s.bind(null, 7);
        servers.add(s);
        hosts.add(h);
      }
      net.runFor(SEC);
      List<UdpSocket> clients = new ArrayList<>();
      for (TestNet.Host h : hosts) {
        clients.add(h.stack.udp().open());
      }
      long[] echoed = {0};
      List<PingSocket> pings = new ArrayList<>();
      byte[] buf = new byte[4000];
      UdpMeta meta = new UdpMeta();
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < N; i++) {
          for (int j = 0; j < N; j++) {
            if (i == j) {
              continue;
            }
            String dst = (round % 2 == 0 ? "10.1.0." : "fd01::") + (j + 1);
            int len = 100 + 97 * ((round + i + j) % 30); // up to ~3000: some need fragments
            clients.get(i).send(buf, 0, len, IpAddress.parse(dst), 7, net.now());
            if (round % 5 == 0) {
              pings.add(hosts.get(i).stack.ping(IpAddress.parse(dst), 32, SEC, net.now()));
            }
          }
        }
        long until = net.now() + 50 * MS;
        while (net.now() < until) {
          net.runUntil(() -> false, 5 * MS);
          for (int k = 0; k < N; k++) {
            UdpSocket s = servers.get(k);
            for (int n; (n = s.receive(buf, 0, buf.length, meta)) >= 0; ) {
              s.send(buf, 0, n, meta.source(), meta.srcPort(), net.now());
            }
            for (int n; (n = clients.get(k).receive(buf, 0, buf.length, null)) >= 0; ) {
              echoed[0]++;
            }
          }
        }
      }
      net.runFor(2 * SEC);
      long ok = 0;
      long failed = 0;
      for (PingSocket p : pings) {
        for (PingReply r; (r = p.receive()) != null; ) {
          if (r.ok()) {
            ok++;
          } else {
            failed++;
          }
        }
      }
      Map<String, Long> sw = new java.util.TreeMap<>();
      for (SimSwitch.Counter c : SimSwitch.Counter.values()) {
        sw.put(c.name(), net.sw.count(c));
      }
      List<Map<String, Long>> stats = hosts.stream().map(h -> h.stack.stats().snapshot()).toList();
      return new Outcome(echoed[0], ok, failed, sw, stats);
    }
  }

  @Test
  void impairedSegmentCarriesTrafficAndReplaysExactly() {
    Outcome a = run(42, "SimulatedNetworkTest");
    int requests = ROUNDS * N * (N - 1);
    int pingCount = (ROUNDS / 5) * N * (N - 1);
    // Loss ~5% per port crossing, 4 crossings per echo, more for fragmented ones.
    assertThat(a.echoed()).isBetween((long) (requests * 0.6), (long) requests + 20);
    assertThat(a.pingsOk() + a.pingsFailed()).isEqualTo(pingCount);
    assertThat(a.pingsOk()).isGreaterThan((long) (pingCount * 0.7));
    assertThat(a.switchCounters().get("LOST")).isPositive();
    assertThat(a.switchCounters().get("DUPLICATED")).isPositive();
    assertThat(a.switchCounters().get("REORDERED")).isPositive();
    assertThat(a.stats().stream().mapToLong(s -> s.getOrDefault("REASSEMBLED", 0L)).sum()).isPositive();
    Outcome b = run(42, null);
    assertThat(b).isEqualTo(a);
    Outcome c = run(43, null);
    assertThat(c.switchCounters()).isNotEqualTo(a.switchCounters());
  }

  @Test
  void linkMtuSmallerThanTheInterfaceMtuDropsBigFrames() {
    try (TestNet net = new TestNet(7)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      b.port.impair(Impairment.NONE.withMtu(1000));
      UdpSocket rx = b.stack.udp().open();
      rx.bind(null, 7);
      UdpSocket tx = a.stack.udp().open();
      tx.send(new byte[900], 0, 900, IpAddress.parse("10.1.0.2"), 7, net.now());
      tx.send(new byte[1500], 0, 1500, IpAddress.parse("10.1.0.2"), 7, net.now());
      net.runFor(SEC);
      assertThat(rx.queuedDatagrams()).isEqualTo(1);
      assertThat(net.sw.count(SimSwitch.Counter.DROPPED_MTU)).isEqualTo(1);
    }
  }

  @Test
  void rateLimitSpacesFramesOut() {
    try (TestNet net = new TestNet(8)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      net.runFor(SEC);
      a.port.impairUp(Impairment.NONE.withRate(8_000_000L, 1000)); // 1 byte per microsecond
      UdpSocket rx = b.stack.udp().open();
      rx.bind(null, 7);
      UdpSocket tx = a.stack.udp().open();
      tx.send(new byte[1], 0, 1, IpAddress.parse("10.1.0.2"), 7, net.now()); // resolve first
      net.runUntil(() -> rx.queuedDatagrams() == 1, SEC);
      rx.receive(new byte[10], 0, 10, null);
      long t0 = net.now();
      for (int i = 0; i < 10; i++) {
        tx.send(new byte[958], 0, 958, IpAddress.parse("10.1.0.2"), 7, t0); // 1000-byte frames
      }
      net.runUntil(() -> rx.queuedDatagrams() == 10, SEC);
      assertThat(net.now() - t0).isEqualTo(10 * 1000 * 1000L); // 10 frames x 1000 us
    }
  }
}
