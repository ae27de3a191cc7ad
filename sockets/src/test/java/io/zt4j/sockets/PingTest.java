package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.icmp.PingReply;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ICMP/ICMPv6 echo through the stack driver: replies with RTT, and a timeout for a silent address. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PingTest {
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  @Test
  void pingsBothFamiliesAndTimesOut() throws Exception {
    for (InetAddress dst : new InetAddress[] {StackPair.B4, StackPair.B6}) {
      PingReply r = net.a.ping(dst, 56, 2000);
      assertThat(r.ok()).as("reply from " + dst).isTrue();
      assertThat(r.from().toInetAddress()).isEqualTo(dst);
      assertThat(r.dataLength()).isEqualTo(56);
      assertThat(r.rttNanos()).isPositive().isLessThan(2_000_000_000L);
    }
    long t0 = System.nanoTime();
    PingReply silent = net.a.ping(InetAddress.getByName("10.9.0.99"), 56, 300);
    assertThat(silent.ok()).isFalse();
    assertThat(silent.error()).isIn(SocketError.TIMED_OUT, SocketError.HOST_UNREACHABLE);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
  }
}
