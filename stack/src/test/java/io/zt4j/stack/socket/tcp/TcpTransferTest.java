package io.zt4j.stack.socket.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpTransferTest {
  static final long MS = SimNet.MS;

  @Test
  void handshakeTransferAndGracefulClose() throws Exception {
    SimNet net = new SimNet(1);
    TcpConfig cfg = new TcpConfig();
    SimNet.Host a = net.host(0x0A000001, 1500, cfg);
    SimNet.Host b = net.host(0x0A000002, 1500, cfg);
    TcpListener l = b.tcp.listen(0, 0, 80, 16);
    TcpSocket c = a.tcp.connect(b.hi, b.lo, 80, net.now);
    assertThat(c.state()).isEqualTo(TcpState.SYN_SENT);
    net.runUntil(net.now + 10 * MS);
    assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
    TcpSocket s = l.accept();
    assertThat(s).isNotNull();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(c.mss()).isEqualTo(1460 - 12);

    Result r = transfer(net, c, s, 1_000_000, 7, 60_000 * MS);
    assertThat(r.received).isEqualTo(r.sent);
    assertThat(r.receivedDigest).isEqualTo(r.sentDigest);

    c.close(net.now);
    net.runUntil(net.now + 100 * MS);
    byte[] buf = new byte[10];
    assertThat(s.receive(buf, 0, 10, net.now)).isEqualTo(TcpSocket.EOF);
    assertThat(s.state()).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(c.state()).isEqualTo(TcpState.FIN_WAIT_2);
    s.close(net.now);
    net.runUntil(net.now + 100 * MS);
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
    net.runUntil(net.now + 61_000 * MS);
    assertThat(c.state()).isEqualTo(TcpState.CLOSED);
    assertThat(a.tcp.connectionCount()).isZero();
    assertThat(b.tcp.connectionCount()).isZero();
  }

  record Result(long sent, long received, byte[] sentDigest, byte[] receivedDigest, long elapsedNanos) {}

  /** Pumps {@code bytes} of seeded random data from {@code from} to {@code to}; checks order by digest. */
  static Result transfer(SimNet net, TcpSocket from, TcpSocket to, long bytes, long seed, long timeoutNanos)
      throws Exception {
    MessageDigest sd = MessageDigest.getInstance("SHA-256");
    MessageDigest rd = MessageDigest.getInstance("SHA-256");
    Random data = new Random(seed);
    byte[] chunk = new byte[64 * 1024];
    byte[] in = new byte[64 * 1024];
    long sent = 0;
    long received = 0;
    int pending = 0;
    int pendingOff = 0;
    long start = net.now;
    long deadline = net.now + timeoutNanos;
    long lastProgressAt = net.now;
    while (received < bytes && net.now < deadline) {
      if (sent < bytes) {
        if (pending == 0) {
          int n = (int) Math.min(chunk.length, bytes - sent);
          data.nextBytes(chunk);
          pending = n;
          pendingOff = 0;
        }
        int w = from.send(chunk, pendingOff, pending, net.now);
        assertThat(w).isGreaterThanOrEqualTo(0);
        if (w > 0) {
          sd.update(chunk, pendingOff, w);
          sent += w;
          pending -= w;
          pendingOff += w;
        }
      }
      int r;
      while ((r = to.receive(in, 0, in.length, net.now)) > 0) {
        rd.update(in, 0, r);
        received += r;
        lastProgressAt = net.now;
      }
      assertThat(r).isGreaterThanOrEqualTo(0);
      if (!net.stepOnce(deadline)) {
        break;
      }
    }
    return new Result(sent, received, sd.digest(), rd.digest(), net.now - start);
  }
}
