package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.A4;
import static io.zt4j.sockets.StackPair.B4;
import static io.zt4j.sockets.StackPair.B6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** java.net semantics of ZeroTierSocket/ZeroTierServerSocket over two stacks in one JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpSocketTest {
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  ServerSocket server(int port) throws Exception {
    return new ZeroTierServerSocket(net.b, port, 50, null);
  }

  Socket client(InetAddress to, int port) throws Exception {
    Socket s = new ZeroTierSocket(net.a);
    s.connect(new InetSocketAddress(to, port), 5000);
    return s;
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.9.0.2", "fd09::2"})
  void echoesAndReportsAddresses(String serverIp) throws Exception {
    InetAddress dst = InetAddress.getByName(serverIp);
    try (ServerSocket ss = server(7)) {
      CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
        try (Socket s = ss.accept()) {
          byte[] buf = new byte[5];
          new DataInputStream(s.getInputStream()).readFully(buf);
          s.getOutputStream().write(buf);
          return s.getInetAddress().getHostAddress() + " " + s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      try (Socket c = client(dst, 7)) {
        assertThat(c.isConnected()).isTrue();
        assertThat(c.getInetAddress()).isEqualTo(dst);
        assertThat(c.getPort()).isEqualTo(7);
        assertThat(c.getLocalPort()).isBetween(32768, 60999);
        c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        byte[] back = new byte[5];
        new DataInputStream(c.getInputStream()).readFully(back);
        assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("hello");
        String expect = dst.equals(B6) ? "fd09:0:0:0:0:0:0:1 fd09:0:0:0:0:0:0:2:7" : "10.9.0.1 10.9.0.2:7";
        assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo(expect);
        assertThat(c.getInputStream().read()).isEqualTo(-1);
        assertThat(c.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void refusedConnectThrowsConnectionRefused() throws Exception {
    Socket s = new ZeroTierSocket(net.a);
    assertThatThrownBy(() -> s.connect(new InetSocketAddress(B4, 9), 5000))
        .isExactlyInstanceOf(ConnectException.class).hasMessage("Connection refused");
    s.close();
  }

  @Test
  void connectTimeoutThrowsConnectTimedOut() throws Exception {
    Socket s = new ZeroTierSocket(net.a);
    // an on-link address nobody answers for: ARP never resolves
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> s.connect(new InetSocketAddress(InetAddress.getByName("10.9.0.77"), 80), 300))
        .isExactlyInstanceOf(SocketTimeoutException.class).hasMessage("Connect timed out");
    assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 3000L);
  }

  @Test
  void readTimeoutKeepsTheSocketUsable() throws Exception {
    try (ServerSocket ss = server(8); Socket c = client(B4, 8); Socket s = ss.accept()) {
      c.setSoTimeout(200);
      assertThat(c.getSoTimeout()).isEqualTo(200);
      assertThatThrownBy(() -> c.getInputStream().read())
          .isExactlyInstanceOf(SocketTimeoutException.class).hasMessage("Read timed out");
      s.getOutputStream().write(42);
      assertThat(c.getInputStream().read()).isEqualTo(42);
    }
  }

  @Test
  void acceptTimesOutAndCloseWakesAccept() throws Exception {
    try (ServerSocket ss = server(0)) {
      assertThat(ss.getLocalPort()).isBetween(32768, 60999);
      ss.setSoTimeout(150);
      assertThatThrownBy(ss::accept).isExactlyInstanceOf(SocketTimeoutException.class).hasMessage("Accept timed out");
      ss.setSoTimeout(0);
      CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
        try {
          ss.accept();
          return null;
        } catch (Exception e) {
          return e;
        }
      });
      Thread.sleep(100);
      ss.close();
      assertThat(blocked.get(5, TimeUnit.SECONDS)).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
    }
  }

  @Test
  void resetByPeerAndClosedSocket() throws Exception {
    try (ServerSocket ss = server(10); Socket c = client(B4, 10)) {
      Socket s = ss.accept();
      s.setSoLinger(true, 0);
      assertThat(s.getSoLinger()).isZero();
      s.close();
      assertThatThrownBy(() -> c.getInputStream().read())
          .isExactlyInstanceOf(SocketException.class).hasMessage("Connection reset");
      assertThatThrownBy(() -> c.getOutputStream().write(1))
          .isExactlyInstanceOf(SocketException.class).hasMessage("Connection reset by peer");
      c.close();
      assertThatThrownBy(() -> c.getInputStream()).isExactlyInstanceOf(SocketException.class)
          .hasMessage("Socket is closed");
    }
  }

  @Test
  void closeWakesABlockedReaderWithSocketClosed() throws Exception {
    try (ServerSocket ss = server(11); Socket c = client(B4, 11); Socket s = ss.accept()) {
      InputStream in = c.getInputStream();
      CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
        try {
          in.read();
          return null;
        } catch (Exception e) {
          return e;
        }
      });
      Thread.sleep(100);
      c.close();
      assertThat(blocked.get(5, TimeUnit.SECONDS)).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
      assertThatThrownBy(() -> in.read()).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
      // the peer sees an orderly end of stream
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void shutdownOutputSendsFinAndBreaksFurtherWrites() throws Exception {
    try (ServerSocket ss = server(12); Socket c = client(B4, 12); Socket s = ss.accept()) {
      OutputStream out = c.getOutputStream();
      InputStream in = c.getInputStream();
      out.write(new byte[] {1, 2, 3});
      c.shutdownOutput();
      assertThat(c.isOutputShutdown()).isTrue();
      assertThat(s.getInputStream().readAllBytes()).containsExactly(1, 2, 3);
      assertThatThrownBy(() -> out.write(4)).isExactlyInstanceOf(SocketException.class).hasMessage("Broken pipe");
      // the other direction still works (half close)
      s.getOutputStream().write(9);
      assertThat(in.read()).isEqualTo(9);
      c.shutdownInput();
      assertThat(in.read()).isEqualTo(-1);
      assertThatThrownBy(c::getInputStream).isExactlyInstanceOf(SocketException.class)
          .hasMessage("Socket input is shutdown");
    }
  }

  @Test
  void optionsRoundTrip() throws Exception {
    try (ServerSocket ss = server(13); Socket c = client(B4, 13); Socket s = ss.accept()) {
      c.setTcpNoDelay(true);
      assertThat(c.getTcpNoDelay()).isTrue();
      c.setKeepAlive(true);
      assertThat(c.getKeepAlive()).isTrue();
      c.setReceiveBufferSize(65536);
      assertThat(c.getReceiveBufferSize()).isEqualTo(65536);
      c.setSendBufferSize(131072);
      assertThat(c.getSendBufferSize()).isEqualTo(131072);
      c.setSoLinger(true, 5);
      assertThat(c.getSoLinger()).isEqualTo(5);
      c.setSoLinger(false, 0);
      assertThat(c.getSoLinger()).isEqualTo(-1);
      c.setReuseAddress(true);
      assertThat(c.getReuseAddress()).isTrue();
      assertThat(c.getLocalAddress()).isEqualTo(A4);
      assertThat(c.supportedOptions()).contains(java.net.StandardSocketOptions.TCP_NODELAY);
      c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, false);
      assertThat(c.getOption(java.net.StandardSocketOptions.TCP_NODELAY)).isFalse();
      // still moves data after all that
      c.getOutputStream().write(7);
      assertThat(s.getInputStream().read()).isEqualTo(7);
    }
  }

  @Test
  void bindInUseAndConnectFromBoundPort() throws Exception {
    try (ServerSocket ss = server(14)) {
      assertThatThrownBy(() -> server(14)).isExactlyInstanceOf(java.net.BindException.class)
          .hasMessage("Address already in use");
      Socket c = new ZeroTierSocket(net.a);
      c.bind(new InetSocketAddress(A4, 40000));
      c.connect(new InetSocketAddress(B4, 14), 2000);
      try (Socket s = ss.accept()) {
        assertThat(s.getPort()).isEqualTo(40000);
      }
      c.close();
    }
  }
}
