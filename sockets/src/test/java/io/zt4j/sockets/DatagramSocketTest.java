package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.A4;
import static io.zt4j.sockets.StackPair.B4;
import static io.zt4j.sockets.StackPair.B6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** java.net semantics of ZeroTierDatagramSocket over two stacks in one JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramSocketTest {
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  static DatagramPacket packet(String s, InetAddress to, int port) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return new DatagramPacket(b, b.length, to, port);
  }

  static String text(DatagramPacket p) {
    return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void exchangesDatagramsBothFamiliesAndReusesAPacket() throws Exception {
    try (DatagramSocket server = new ZeroTierDatagramSocket(net.b, 5353, null);
        DatagramSocket client = new ZeroTierDatagramSocket(net.a, 0, null)) {
      assertThat(client.getLocalPort()).isBetween(49152, 65535);
      DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
      for (InetAddress dst : new InetAddress[] {B4, B6}) {
        client.send(packet("ping " + dst.getHostAddress(), dst, 5353));
        server.receive(in);
        assertThat(text(in)).isEqualTo("ping " + dst.getHostAddress());
        assertThat(in.getPort()).isEqualTo(client.getLocalPort());
        server.send(packet("pong", in.getAddress(), in.getPort()));
        DatagramPacket back = new DatagramPacket(new byte[100], 100);
        client.receive(back);
        assertThat(text(back)).isEqualTo("pong");
        assertThat(back.getAddress()).isEqualTo(dst);
      }
      assertThat(in.getAddress()).isIn(A4, InetAddress.getByName("fd09::1"));
    }
  }

  @Test
  void timeoutsTruncationAndClose() throws Exception {
    try (DatagramSocket server = new ZeroTierDatagramSocket(net.b, 5354, null);
        DatagramSocket client = new ZeroTierDatagramSocket(net.a, 0, null)) {
      server.setSoTimeout(100);
      DatagramPacket in = new DatagramPacket(new byte[4], 4);
      assertThatThrownBy(() -> server.receive(in)).isExactlyInstanceOf(SocketTimeoutException.class)
          .hasMessage("Receive timed out");
      client.send(packet("truncated", B4, 5354));
      server.setSoTimeout(2000);
      server.receive(in);
      assertThat(text(in)).isEqualTo("trun");
      server.close();
      assertThatThrownBy(() -> server.receive(in)).isExactlyInstanceOf(SocketException.class).hasMessage("Socket is closed");
      assertThatThrownBy(() -> server.send(in)).isExactlyInstanceOf(SocketException.class).hasMessage("Socket is closed");
    }
  }

  @Test
  void connectedSocketGetsPortUnreachable() throws Exception {
    try (DatagramSocket client = new ZeroTierDatagramSocket(net.a, 0, null)) {
      client.connect(new InetSocketAddress(B4, 9999));
      client.setSoTimeout(2000);
      client.send(new DatagramPacket(new byte[] {1}, 1));
      assertThatThrownBy(() -> client.receive(new DatagramPacket(new byte[10], 10)))
          .isExactlyInstanceOf(PortUnreachableException.class);
    }
  }

  @Test
  void burstBeyondTheReceiveBufferDropsButNeverReorders() throws Exception {
    try (DatagramSocket server = new ZeroTierDatagramSocket(net.b, 5355, null);
        DatagramSocket client = new ZeroTierDatagramSocket(net.a, 0, null)) {
      int n = 2000;
      byte[] payload = new byte[1000];
      for (int i = 0; i < n; i++) {
        payload[0] = (byte) (i >> 8);
        payload[1] = (byte) i;
        client.send(new DatagramPacket(payload, payload.length, B4, 5355));
      }
      Thread.sleep(500); // nobody reads meanwhile: buffers fill and drop
      server.setSoTimeout(300);
      DatagramPacket in = new DatagramPacket(new byte[2000], 2000);
      int last = -1;
      int got = 0;
      try {
        for (;;) {
          server.receive(in);
          int seq = ((in.getData()[0] & 0xFF) << 8) | (in.getData()[1] & 0xFF);
          assertThat(seq).isGreaterThan(last);
          assertThat(in.getLength()).isEqualTo(1000);
          last = seq;
          got++;
        }
      } catch (SocketTimeoutException done) {
        // drained
      }
      assertThat(got).isPositive().isLessThan(n);
    }
  }

  @Test
  void multicastGroupReceives() throws Exception {
    InetAddress group = InetAddress.getByName("239.1.2.3");
    try (DatagramSocket member = new ZeroTierDatagramSocket(net.b, 5356, null);
        DatagramSocket sender = new ZeroTierDatagramSocket(net.a, 0, null)) {
      member.joinGroup(new InetSocketAddress(group, 0), null);
      member.setSoTimeout(3000);
      sender.send(packet("to the group", group, 5356));
      DatagramPacket in = new DatagramPacket(new byte[100], 100);
      member.receive(in);
      assertThat(text(in)).isEqualTo("to the group");
      member.leaveGroup(new InetSocketAddress(group, 0), null);
    }
  }
}
