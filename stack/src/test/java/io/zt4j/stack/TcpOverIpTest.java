package io.zt4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.socket.tcp.Readiness;
import io.zt4j.stack.socket.tcp.TcpError;
import io.zt4j.stack.socket.tcp.TcpListener;
import io.zt4j.stack.socket.tcp.TcpSocket;
import io.zt4j.stack.socket.tcp.TcpState;
import io.zt4j.stack.wire.IpAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP plugged into the stack's IP layer ({@code Stack.tcp()}): handshake, data, RST, MSS from the route. */
class TcpOverIpTest {
  static final long SEC = 1_000_000_000L;

  @ParameterizedTest
  @ValueSource(strings = {"10.1.0.2", "fd01::2"})
  void transfersDataBothFamilies(String server) {
    try (TestNet net = new TestNet(3)) {
      TestNet.Host a = net.host(PingTest.cfg(1), 64);
      TestNet.Host b = net.host(PingTest.cfg(2), 64);
      TcpListener l = b.stack.tcp().listen(0, 0, 80, 8);
      IpAddress dst = IpAddress.parse(server);
      TcpSocket c = a.stack.tcp().connect(dst.hi(), dst.lo(), 80, net.now());
      assertThat(net.runUntil(() -> c.state() == TcpState.ESTABLISHED && l.pending() == 1, SEC)).isTrue();
      TcpSocket s = l.accept();
      assertThat(c.mss()).isEqualTo(2800 - (dst.isV4() ? 20 : 40) - 20 - 12);
      byte[] data = new byte[300_000];
      new SplittableRandom(1).nextBytes(data);
      byte[] got = new byte[data.length];
      int[] sent = {0};
      int[] recv = {0};
      assertThat(net.runUntil(() -> {
        if (sent[0] < data.length) {
          int n = c.send(data, sent[0], data.length - sent[0], net.now());
          sent[0] += Math.max(n, 0);
        }
        int n = s.receive(got, recv[0], got.length - recv[0], net.now());
        recv[0] += Math.max(n, 0);
        return recv[0] == data.length;
      }, 10 * SEC)).isTrue();
      assertThat(Arrays.equals(data, got)).isTrue();
      s.abort(net.now());
      assertThat(net.runUntil(() -> c.error() == TcpError.RESET, SEC)).isTrue();
      assertThat(c.readiness() & Readiness.ERROR).isNotZero();
    }
  }

  @Test
  void closedPortRefuses() {
    try (TestNet net = new TestNet(4)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      net.host(PingTest.cfg(2));
      IpAddress dst = IpAddress.parse("10.1.0.2");
      TcpSocket c = a.stack.tcp().connect(dst.hi(), dst.lo(), 81, net.now());
      assertThat(net.runUntil(() -> c.error() == TcpError.REFUSED, SEC)).isTrue();
    }
  }

  @Test
  void noRouteIsUnreachable() {
    try (TestNet net = new TestNet(5)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      IpAddress dst = IpAddress.parse("192.0.2.1");
      TcpSocket c = a.stack.tcp().connect(dst.hi(), dst.lo(), 80, net.now());
      assertThat(c.error()).isEqualTo(TcpError.UNREACHABLE);
    }
  }
}
