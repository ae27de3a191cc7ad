package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpTransportTest {
  record Got(int socket, InetSocketAddress from, String text) {}

  static InetSocketAddress loop4(int port) throws IOException {
    return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
  }

  static InetSocketAddress loop6(int port) throws IOException {
    byte[] a = new byte[16];
    a[15] = 1;
    return new InetSocketAddress(InetAddress.getByAddress(a), port);
  }

  static List<Got> receive(Selector sel, UdpTransport t, int expected) throws IOException {
    List<Got> got = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 5000;
    while (got.size() < expected && System.currentTimeMillis() < deadline) {
      sel.select(100);
      t.drain(sel.selectedKeys(), (id, from, data) -> {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        got.add(new Got(id, from, new String(b)));
      });
      sel.selectedKeys().clear();
    }
    return got;
  }

  @Test
  void bindsOnlyTheGivenAddressesSharingOnePortAndExchangesDatagrams() throws IOException {
    try (Selector s1 = Selector.open(); Selector s2 = Selector.open()) {
      UdpTransport a = UdpTransport.bind(List.of(loop4(0), loop6(0)), s1);
      UdpTransport b = UdpTransport.bind(List.of(loop4(0), loop6(0)), s2);
      try {
        InetSocketAddress a4 = a.localAddresses().get(0);
        InetSocketAddress a6 = a.localAddresses().get(1);
        assertThat(a4.getAddress().isLoopbackAddress()).isTrue();
        assertThat(a6.getAddress().isLoopbackAddress()).isTrue();
        assertThat(a6.getPort()).isEqualTo(a4.getPort());

        assertThat(b.send(0, a4, ByteBuffer.wrap("v4".getBytes()))).isTrue();
        assertThat(b.send(-1, a6, ByteBuffer.wrap("v6".getBytes()))).isTrue();
        // Socket 0 is IPv4: it cannot reach an IPv6 destination.
        assertThat(b.send(0, a6, ByteBuffer.wrap("no".getBytes()))).isFalse();
        List<Got> got = receive(s1, a, 2);
        assertThat(got).containsExactlyInAnyOrder(
            new Got(0, b.localAddresses().get(0), "v4"), new Got(1, b.localAddresses().get(1), "v6"));
      } finally {
        a.close();
        b.close();
      }
    }
  }

  @Test
  void aTakenPortIsAClearError() throws IOException {
    try (Selector s = Selector.open()) {
      UdpTransport a = UdpTransport.bind(List.of(loop4(0)), s);
      try {
        int port = a.localAddresses().get(0).getPort();
        assertThatThrownBy(() -> UdpTransport.bind(List.of(loop4(port)), s))
            .hasMessageContaining("cannot bind UDP 127.0.0.1/" + port);
      } finally {
        a.close();
      }
    }
  }
}
