package io.zt4j.stack.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.icmp.PingReply;
import io.zt4j.stack.socket.icmp.PingSocket;
import io.zt4j.stack.socket.udp.UdpMeta;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.Environment;
import io.zt4j.testkit.kernel.KernelTap;
import io.zt4j.testkit.kernel.NetNamespace;
import io.zt4j.testkit.kernel.NetNamespace.ExecResult;
import io.zt4j.testkit.link.Impairment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Linux kernel as a real peer: a TAP device in a fresh network namespace (10.77.0.1,
 * fd77::1) relayed to our stack (10.77.0.2, fd77::2). ARP and NDP resolve for real; the kernel
 * pings us, we ping it, and our UDP talks to socat in the namespace. Root only.
 */
class KernelInteropIT {
  static final String KERNEL_MAC = "02:77:00:00:00:01";
  static final long OUR_MAC = 0x027700000002L;
  static final IpAddress K4 = IpAddress.parse("10.77.0.1");
  static final IpAddress K6 = IpAddress.parse("fd77::1");
  static final Duration T = Duration.ofSeconds(10);

  NetNamespace ns;
  KernelTap tap;
  StackThread st;
  Interface ifc;

  @BeforeEach
  void setUp() {
    Environment.assumeRoot();
    Environment.assumeCommands("ip", "gcc", "ping", "socat");
    ns = NetNamespace.create();
    tap = KernelTap.open(ns, "zt0", 1).link(KERNEL_MAC, 1500).kernelAddress("10.77.0.1/24").kernelAddress("fd77::1/64")
        .up();
    st = new StackThread(new Stack(StackConfig.of(new SplittableRandom(1))));
    ifc = st.attach(InterfaceConfig.of(OUR_MAC).withMtu(1500).withAddress("10.77.0.2/24").withAddress("fd77::2/64"), tap);
  }

  @AfterEach
  void tearDown() {
    if (st != null) {
      st.close();
    }
    if (tap != null) {
      tap.close();
    }
    if (ns != null) {
      ns.close();
    }
  }

  @Test
  void kernelPingsUsOverIpv4AndIpv6() {
    ExecResult v4 = ns.run(T, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.77.0.2");
    assertThat(v4.exitCode()).as(v4.toString()).isZero();
    assertThat(v4.stdout()).contains("3 received");
    ExecResult v6 = ns.run(T, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-s", "1400", "fd77::2");
    assertThat(v6.exitCode()).as(v6.toString()).isZero();
    assertThat(v6.stdout()).contains("3 received").contains("1408 bytes from fd77::2");
    // the kernel learned our MAC through ARP and NDP
    ExecResult neigh = ns.run(T, "ip", "neigh", "show", "dev", "zt0");
    assertThat(neigh.stdout()).contains("10.77.0.2 lladdr 02:77:00:00:00:02").contains("fd77::2 lladdr 02:77:00:00:00:02");
    // a ping bigger than the MTU arrives fragmented and is answered fragmented
    ExecResult big = ns.run(T, "ping", "-c", "2", "-i", "0.2", "-s", "4000", "10.77.0.2");
    assertThat(big.exitCode()).as(big.toString()).isZero();
  }

  @Test
  void wePingTheKernel() {
    for (IpAddress dst : new IpAddress[] {K4, K6}) {
      PingSocket p = st.call(now -> st.stack().ping(dst, 56, 2_000_000_000L, now));
      assertThat(st.awaitTrue(now -> p.outstanding() == 0, T)).isTrue();
      PingReply r = st.call(now -> p.receive());
      assertThat(r.ok()).as(dst + ": " + r).isTrue();
      assertThat(r.from()).isEqualTo(dst);
      assertThat(r.rttNanos()).isLessThan(1_000_000_000L);
    }
    assertThat(st.<Long>call(now -> ifc.neighborMac(K4))).isEqualTo(0x027700000001L);
    assertThat(st.<Long>call(now -> ifc.neighborMac(K6))).isEqualTo(0x027700000001L);
  }

  @Test
  void udpWithSocatBothWaysAndFragmented() throws Exception {
    ns.exec("socat", "UDP4-RECVFROM:7000,fork", "EXEC:cat");
    ns.exec("socat", "UDP6-RECVFROM:7000,ipv6only=1,fork", "EXEC:cat");
    UdpSocket s = st.call(now -> {
      UdpSocket u = st.stack().udp().open();
      u.bind(null, 5555);
      return u;
    });
    assertThat(ns.awaitListening("udp4", 7000, T)).isTrue();
    assertThat(ns.awaitListening("udp6", 7000, T)).isTrue();
    for (IpAddress dst : new IpAddress[] {K4, K6}) {
      for (int size : new int[] {5, 1400, 4000}) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) ('a' + size % 26));
        int sent = st.call(now -> s.send(data, 0, size, dst, 7000, now));
        assertThat(sent).isEqualTo(size);
        assertThat(st.awaitTrue(now -> s.queuedDatagrams() > 0, T)).as(dst + " " + size).isTrue();
        byte[] got = new byte[65536];
        UdpMeta meta = new UdpMeta();
        int n = st.call(now -> s.receive(got, 0, got.length, meta));
        assertThat(Arrays.copyOf(got, n)).isEqualTo(data);
        assertThat(meta.source()).isEqualTo(dst);
        assertThat(meta.srcPort()).isEqualTo(7000);
      }
    }
    // and the kernel sends to us
    ExecResult r = ns.run(T, "sh", "-c", "echo kernel-says-hi | socat - UDP4-SENDTO:10.77.0.2:5555,sourceport=6000");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(st.awaitTrue(now -> s.queuedDatagrams() > 0, T)).isTrue();
    byte[] got = new byte[100];
    UdpMeta meta = new UdpMeta();
    int n = st.call(now -> s.receive(got, 0, got.length, meta));
    assertThat(new String(got, 0, n, StandardCharsets.UTF_8)).isEqualTo("kernel-says-hi\n");
    assertThat(meta.srcPort()).isEqualTo(6000);
  }

  @Test
  void kernelRefusesAClosedPort() {
    UdpSocket s = st.call(now -> {
      UdpSocket u = st.stack().udp().open();
      u.connect(K6, 9);
      u.send(new byte[3], 0, 3, null, 0, now);
      return u;
    });
    assertThat(st.awaitTrue(now -> s.pendingError() != null, T)).isTrue();
    assertThat(st.<SocketError>call(now -> s.takeError())).isEqualTo(SocketError.CONNECTION_REFUSED);
    // and a closed port of ours answers the kernel's socat with port unreachable
    ExecResult r = ns.run(T, "sh", "-c", "echo x | socat -T 2 - UDP4:10.77.0.2:9,sourceport=6001");
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.stderr()).contains("Connection refused");
    assertThat(st.<Long>call(now -> st.stack().stats().get(io.zt4j.stack.ip.StackStats.Counter.ICMP_ERRORS_OUT)))
        .isEqualTo(1L);
  }

  @Test
  void relayImpairmentDelaysAndLoses() {
    tap.impairFromKernel(Impairment.NONE.withDelay(40_000_000L));
    tap.impairToKernel(Impairment.NONE.withDelay(40_000_000L));
    ExecResult slow = ns.run(T, "ping", "-c", "2", "-i", "0.2", "10.77.0.2");
    assertThat(slow.exitCode()).as(slow.toString()).isZero();
    double rtt = Double.parseDouble(slow.stdout().replaceAll("(?s).*= [0-9.]+/([0-9.]+)/.*", "$1"));
    assertThat(rtt).isBetween(79.0, 400.0);
    tap.impairFromKernel(Impairment.NONE.withLoss(0.5));
    tap.impairToKernel(Impairment.NONE);
    ExecResult lossy = ns.run(Duration.ofSeconds(20), "ping", "-c", "20", "-i", "0.05", "-W", "1", "10.77.0.2");
    assertThat(tap.framesDropped()).isPositive();
    assertThat(lossy.stdout()).containsPattern("20 packets transmitted, ([1-9]|1[0-9]) received");
  }
}
