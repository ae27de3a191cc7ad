package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.A4;
import static io.zt4j.sockets.StackPair.B4;
import static io.zt4j.sockets.StackPair.B6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * java.nio semantics of the {@link ZeroTierSelectorProvider}'s channels and selector over two
 * stacks in one JVM (A 10.9.0.1 / fd09::1, B 10.9.0.2 / fd09::2): the behaviour and exceptions
 * of the JDK's own channels.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NioChannelsTest {
  final StackPair net = new StackPair();
  final ZeroTierSelectorProvider nioA = new ZeroTierSelectorProvider(net.a);
  final ZeroTierSelectorProvider nioB = new ZeroTierSelectorProvider(net.b);
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    net.close();
  }

  <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  ServerSocketChannel listen(int port) throws Exception {
    return track(nioB.openServerSocketChannel()).bind(new InetSocketAddress(port));
  }

  SocketChannel connectBlocking(java.net.InetAddress to, int port) throws Exception {
    SocketChannel c = track(nioA.openSocketChannel());
    assertThat(c.connect(new InetSocketAddress(to, port))).isTrue();
    return c;
  }

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  static String ascii(ByteBuffer b) {
    b.flip();
    return StandardCharsets.US_ASCII.decode(b).toString();
  }

  /** A blocking operation. */
  interface Blocking {
    void run() throws Exception;
  }

  /**
   * Runs {@code op} on a new thread and returns once that thread is parked in it (so a close or
   * an interrupt hits the operation while it blocks, not before it started); the future holds
   * what it threw (null: it returned).
   */
  static CompletableFuture<Throwable> blockedIn(Blocking op) throws InterruptedException {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        op.run();
        done.complete(null);
      } catch (Throwable e) {
        done.complete(e);
      }
    }, "blocked-op");
    t.start();
    awaitParked(t);
    return done;
  }

  static void awaitParked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      assertThat(t.isAlive()).as("%s still running", t).isTrue();
      assertThat(System.nanoTime()).as("%s parks", t).isLessThan(deadline);
      Thread.sleep(1);
    }
    Thread.sleep(20); // parked for good, not in a passing lock hand-off
  }

  /** Selects until {@code key} is selected with {@code ops} (or fails after 5 s). */
  static void awaitReady(Selector sel, SelectionKey key, int ops) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!(sel.selectedKeys().contains(key) && (key.readyOps() & ops) == ops)) {
      assertThat(System.nanoTime()).as("%s ready for %d", key.channel(), ops).isLessThan(deadline);
      sel.select(100);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.9.0.2", "fd09::2"})
  void nonBlockingConnectAcceptReadWriteWithSelectors(String serverIp) throws Exception {
    java.net.InetAddress dst = java.net.InetAddress.getByName(serverIp);
    ServerSocketChannel server = listen(7);
    server.configureBlocking(false);
    Selector sb = track(nioB.openSelector());
    SelectionKey acceptKey = server.register(sb, SelectionKey.OP_ACCEPT, "acceptor");
    assertThat(acceptKey.attachment()).isEqualTo("acceptor");
    assertThat(server.accept()).isNull();

    Selector sa = track(nioA.openSelector());
    SocketChannel client = track(nioA.openSocketChannel());
    client.configureBlocking(false);
    SelectionKey ck = client.register(sa, SelectionKey.OP_CONNECT);
    assertThat(client.connect(new InetSocketAddress(dst, 7))).isFalse();
    assertThat(client.isConnectionPending()).isTrue();
    assertThatThrownBy(() -> client.connect(new InetSocketAddress(dst, 7))).isInstanceOf(ConnectionPendingException.class);
    assertThatThrownBy(() -> client.read(ByteBuffer.allocate(1))).isInstanceOf(NotYetConnectedException.class);
    awaitReady(sa, ck, SelectionKey.OP_CONNECT);
    assertThat(client.finishConnect()).isTrue();
    assertThat(client.isConnected()).isTrue();
    assertThat(client.getRemoteAddress()).isEqualTo(new InetSocketAddress(dst, 7));
    assertThat(((InetSocketAddress) client.getLocalAddress()).getPort()).isBetween(32768, 60999);

    awaitReady(sb, acceptKey, SelectionKey.OP_ACCEPT);
    SocketChannel accepted = track(server.accept());
    assertThat(accepted.isBlocking()).isTrue();
    assertThat(accepted.getRemoteAddress()).isEqualTo(client.getLocalAddress());
    accepted.configureBlocking(false);
    SelectionKey rk = accepted.register(sb, SelectionKey.OP_READ);
    sb.selectedKeys().clear();

    ck.interestOps(SelectionKey.OP_READ);
    assertThat(client.write(new ByteBuffer[] {ascii("hel"), ascii("lo"), ByteBuffer.allocateDirect(0)})).isEqualTo(5);
    awaitReady(sb, rk, SelectionKey.OP_READ);
    ByteBuffer got = ByteBuffer.allocate(5);
    while (got.hasRemaining()) {
      if (accepted.read(got) == 0) {
        sb.select(100);
      }
    }
    assertThat(ascii(got)).isEqualTo("hello");
    assertThat(accepted.read(ByteBuffer.allocate(10))).isZero(); // nothing more: non-blocking read returns 0

    ByteBuffer direct = ByteBuffer.allocateDirect(5).put("world".getBytes(StandardCharsets.US_ASCII)).flip();
    assertThat(accepted.write(direct)).isEqualTo(5);
    sa.selectedKeys().clear();
    awaitReady(sa, ck, SelectionKey.OP_READ);
    ByteBuffer a = ByteBuffer.allocate(2);
    ByteBuffer b = ByteBuffer.allocateDirect(8);
    long n = 0;
    while (n < 5) {
      long r = client.read(new ByteBuffer[] {a, b});
      n += r;
      if (r == 0) {
        sa.select(100);
      }
    }
    assertThat(ascii(a) + ascii(b)).isEqualTo("world");
  }

  @Test
  void nonBlockingConnectToAClosedPortFailsInFinishConnect() throws Exception {
    Selector sel = track(nioA.openSelector());
    SocketChannel c = track(nioA.openSocketChannel());
    c.configureBlocking(false);
    assertThat(c.connect(new InetSocketAddress(B4, 9))).isFalse();
    SelectionKey k = c.register(sel, SelectionKey.OP_CONNECT, 42);
    assertThat(sel.select(5000)).isEqualTo(1);
    assertThat(sel.selectedKeys()).containsExactly(k);
    assertThat(k.isConnectable()).isTrue();
    assertThat(k.attachment()).isEqualTo(42);
    assertThatThrownBy(c::finishConnect).isExactlyInstanceOf(ConnectException.class).hasMessage("Connection refused");
    assertThat(c.isOpen()).isFalse();
    assertThat(k.isValid()).isFalse();
    assertThatThrownBy(c::finishConnect).isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void blockingConnectRefusedAndStateExceptions() throws Exception {
    SocketChannel c = track(nioA.openSocketChannel());
    assertThatThrownBy(() -> c.connect(new InetSocketAddress(B4, 9)))
        .isExactlyInstanceOf(ConnectException.class).hasMessage("Connection refused");
    assertThat(c.isOpen()).isFalse();

    SocketChannel d = track(nioA.openSocketChannel());
    assertThatThrownBy(d::finishConnect).isInstanceOf(NoConnectionPendingException.class);
    assertThatThrownBy(() -> d.write(ascii("x"))).isInstanceOf(NotYetConnectedException.class);
    assertThatThrownBy(() -> d.shutdownOutput()).isInstanceOf(NotYetConnectedException.class);
    assertThat(d.getRemoteAddress()).isNull();
    assertThat(d.getLocalAddress()).isNull();
    assertThatThrownBy(() -> d.connect(InetSocketAddress.createUnresolved("nowhere.invalid", 1)))
        .isInstanceOf(java.nio.channels.UnresolvedAddressException.class);

    ServerSocketChannel unbound = track(nioB.openServerSocketChannel());
    assertThatThrownBy(unbound::accept).isInstanceOf(NotYetBoundException.class);
    ServerSocketChannel server = listen(10);
    assertThatThrownBy(() -> server.bind(new InetSocketAddress(11))).isInstanceOf(AlreadyBoundException.class);
    ServerSocketChannel sameport = track(nioB.openServerSocketChannel());
    assertThatThrownBy(() -> sameport.bind(new InetSocketAddress(10))).isExactlyInstanceOf(java.net.BindException.class)
        .hasMessage("Address already in use");
    SocketChannel e = connectBlocking(B4, 10);
    assertThatThrownBy(() -> e.connect(new InetSocketAddress(B4, 10))).isInstanceOf(AlreadyConnectedException.class);
    e.close();
    assertThatThrownBy(() -> e.read(ByteBuffer.allocate(1))).isExactlyInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(e::getLocalAddress).isExactlyInstanceOf(ClosedChannelException.class);
  }

  @Test
  void opWriteFollowsBackpressureFromASlowReader() throws Exception {
    ServerSocketChannel server = listen(12);
    SocketChannel c = connectBlocking(B4, 12);
    SocketChannel s = track(server.accept());
    c.configureBlocking(false);
    Selector sel = track(nioA.openSelector());
    SelectionKey k = c.register(sel, SelectionKey.OP_WRITE);
    assertThat(sel.selectNow()).isEqualTo(1);
    assertThat(k.isWritable()).isTrue();

    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long written = 0;
    long stuckSince = 0;
    for (;;) { // fill until the peer's window, both stacks' buffers and our tx buffer are full
      chunk.clear();
      int n = c.write(chunk);
      written += n;
      if (n > 0) {
        stuckSince = 0;
      } else if (stuckSince == 0) {
        stuckSince = System.nanoTime();
      } else if (System.nanoTime() - stuckSince > 1_000_000_000L) { // no progress for 1 s: full
        break;
      }
      assertThat(written).as("a slow reader must bound what a writer can queue").isLessThan(16L << 20);
      Thread.onSpinWait();
    }
    sel.selectedKeys().clear();
    assertThat(sel.select(300)).isZero();
    assertThat(sel.selectedKeys()).isEmpty();

    long total = written;
    CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
      try {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long got = 0;
        while (got < total) {
          b.clear();
          got += s.read(b);
        }
        return got;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    long t0 = System.nanoTime();
    assertThat(sel.select(5000)).isEqualTo(1);
    assertThat(k.isWritable()).isTrue();
    assertThat(System.nanoTime() - t0).isLessThan(4_000_000_000L);
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(total);
    System.out.printf("OP_WRITE back after the reader drained; %d KiB were in flight%n", total / 1024);
  }

  @Test
  void selectTimesOutWakeupInterruptAndSelectNow() throws Exception {
    Selector sel = track(nioA.openSelector());
    long t0 = System.nanoTime();
    assertThat(sel.select(200)).isZero();
    assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(190L, 2000L);

    sel.wakeup(); // before select: the next select returns at once
    t0 = System.nanoTime();
    assertThat(sel.select()).isZero();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000L);

    sel.wakeup(); // selectNow clears it
    assertThat(sel.selectNow()).isZero();
    t0 = System.nanoTime();
    assertThat(sel.select(150)).isZero();
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(140L);

    CompletableFuture<Throwable> woken = blockedIn(sel::select);
    assertThat(woken).isNotDone();
    sel.wakeup();
    assertThat(woken.get(5, TimeUnit.SECONDS)).as("select returned normally").isNull();

    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        sel.select();
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      } catch (Exception e) {
        interruptedAfter.set(null);
      }
    });
    t.start();
    awaitParked(t);
    t.interrupt();
    t.join(5000);
    assertThat(interruptedAfter.get()).as("select returns on interrupt, status kept").isTrue();
    assertThat(sel.isOpen()).isTrue();
  }

  @Test
  void interestOpsChangedFromAnotherThreadWakesABlockedSelect() throws Exception {
    ServerSocketChannel server = listen(13);
    SocketChannel c = connectBlocking(B4, 13);
    SocketChannel s = track(server.accept());
    s.write(ascii("ping"));
    c.configureBlocking(false);
    Selector sel = track(nioA.openSelector());
    SelectionKey k = c.register(sel, 0, "att");
    Thread.sleep(100); // the data is in the rx buffer by now
    CompletableFuture<Integer> selected = CompletableFuture.supplyAsync(() -> {
      try {
        return sel.select(10_000);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(100);
    assertThat(selected).isNotDone();
    k.interestOps(SelectionKey.OP_READ);
    assertThat(selected.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(k.readyOps()).isEqualTo(SelectionKey.OP_READ);
    // level-triggered: still readable, selected again with the Consumer form
    List<Object> seen = new ArrayList<>();
    assertThat(sel.select(key -> seen.add(key.attachment()), 1000)).isEqualTo(1);
    assertThat(seen).containsExactly("att");
    ByteBuffer b = ByteBuffer.allocate(4);
    while (b.hasRemaining()) {
      c.read(b);
    }
    sel.selectedKeys().clear();
    assertThat(sel.selectNow()).isZero();
  }

  @Test
  void readinessOnEofShutdownAndReset() throws Exception {
    ServerSocketChannel server = listen(14);
    SocketChannel c = connectBlocking(B4, 14);
    SocketChannel s = track(server.accept());
    c.configureBlocking(false);
    Selector sel = track(nioA.openSelector());
    SelectionKey k = c.register(sel, SelectionKey.OP_READ);
    assertThat(sel.selectNow()).isZero();
    s.write(ascii("bye"));
    s.shutdownOutput();
    assertThatThrownBy(() -> s.write(ascii("x"))).isInstanceOf(ClosedChannelException.class);
    ByteBuffer b = ByteBuffer.allocate(16);
    int r;
    do {
      awaitReady(sel, k, SelectionKey.OP_READ);
      sel.selectedKeys().clear();
      r = c.read(b);
    } while (r >= 0);
    assertThat(ascii(b)).isEqualTo("bye");
    assertThat(sel.selectNow()).as("EOF stays readable").isEqualTo(1);
    assertThat(c.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    // the half-open connection still carries data the other way
    c.write(ascii("ok"));
    ByteBuffer back = ByteBuffer.allocate(2);
    while (back.hasRemaining()) {
      s.read(back);
    }
    assertThat(ascii(back)).isEqualTo("ok");

    SocketChannel c2 = connectBlocking(B4, 14);
    SocketChannel s2 = track(server.accept());
    c2.configureBlocking(false);
    SelectionKey k2 = c2.register(sel, SelectionKey.OP_READ);
    s2.setOption(StandardSocketOptions.SO_LINGER, 0);
    s2.close(); // RST
    awaitReady(sel, k2, SelectionKey.OP_READ);
    assertThatThrownBy(() -> c2.read(ByteBuffer.allocate(1))).isExactlyInstanceOf(SocketException.class)
        .hasMessage("Connection reset");

    SocketChannel c3 = connectBlocking(B4, 14);
    track(server.accept());
    c3.configureBlocking(false);
    SelectionKey k3 = c3.register(sel, SelectionKey.OP_READ);
    c3.shutdownInput();
    awaitReady(sel, k3, SelectionKey.OP_READ);
    assertThat(c3.read(ByteBuffer.allocate(1))).isEqualTo(-1);
  }

  @Test
  void closeAndCancelSemantics() throws Exception {
    ServerSocketChannel server = listen(15);
    SocketChannel c = connectBlocking(B4, 15);
    track(server.accept());
    Selector sel = track(nioA.openSelector());
    assertThatThrownBy(() -> c.register(sel, SelectionKey.OP_READ)).isInstanceOf(IllegalBlockingModeException.class);
    c.configureBlocking(false);
    SelectionKey k = c.register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    assertThat(c.register(sel, SelectionKey.OP_READ)).isSameAs(k);
    assertThat(k.interestOps()).isEqualTo(SelectionKey.OP_READ);
    assertThatThrownBy(() -> k.interestOps(SelectionKey.OP_ACCEPT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.configureBlocking(true)).isInstanceOf(IllegalBlockingModeException.class);
    assertThat(sel.keys()).containsExactly(k);
    assertThatThrownBy(() -> sel.keys().add(k)).isInstanceOf(UnsupportedOperationException.class);

    k.cancel();
    assertThat(k.isValid()).isFalse();
    assertThatThrownBy(k::interestOps).isInstanceOf(CancelledKeyException.class);
    assertThat(sel.keys()).containsExactly(k); // until the next selection
    sel.selectNow();
    assertThat(sel.keys()).isEmpty();
    assertThat(c.isRegistered()).isFalse();
    c.configureBlocking(true); // allowed again once deregistered
    c.configureBlocking(false);

    SelectionKey k2 = c.register(sel, SelectionKey.OP_WRITE);
    assertThat(sel.selectNow()).isEqualTo(1);
    assertThat(sel.selectedKeys()).containsExactly(k2);
    assertThatThrownBy(() -> sel.selectedKeys().add(k2)).isInstanceOf(UnsupportedOperationException.class);
    c.close(); // closing a channel cancels its keys
    assertThat(k2.isValid()).isFalse();
    assertThat(sel.selectNow()).isZero();
    assertThat(sel.keys()).isEmpty();
    assertThat(sel.selectedKeys()).isEmpty();
    assertThatThrownBy(() -> c.register(sel, SelectionKey.OP_READ)).isInstanceOf(ClosedChannelException.class);

    // selectors and channels of different providers do not mix, as with the JDK
    try (Selector jdk = SelectorProvider.provider().openSelector();
        SocketChannel jdkChannel = SelectorProvider.provider().openSocketChannel()) {
      SocketChannel ours = track(nioA.openSocketChannel());
      ours.configureBlocking(false);
      jdkChannel.configureBlocking(false);
      assertThatThrownBy(() -> ours.register(jdk, SelectionKey.OP_READ)).isInstanceOf(IllegalSelectorException.class);
      assertThatThrownBy(() -> jdkChannel.register(sel, SelectionKey.OP_READ)).isInstanceOf(IllegalSelectorException.class);
      SocketChannel otherNode = track(nioB.openSocketChannel());
      otherNode.configureBlocking(false);
      assertThatThrownBy(() -> otherNode.register(sel, SelectionKey.OP_READ)).isInstanceOf(IllegalSelectorException.class);
    }

    SocketChannel d = track(nioA.openSocketChannel());
    d.configureBlocking(false);
    SelectionKey kd = d.register(sel, SelectionKey.OP_CONNECT);
    sel.close();
    assertThat(kd.isValid()).isFalse();
    assertThatThrownBy(sel::selectNow).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(sel::keys).isInstanceOf(ClosedSelectorException.class);
    assertThat(d.isRegistered()).isFalse();
  }

  @Test
  void blockingChannelsAsyncCloseAndInterrupt() throws Exception {
    ServerSocketChannel server = listen(16);
    CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
      try {
        return server.accept(); // blocking accept
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    SocketChannel c = connectBlocking(B4, 16);
    SocketChannel s = track(accepted.get(5, TimeUnit.SECONDS));
    ByteBuffer big = ByteBuffer.allocate(1 << 20);
    for (int i = 0; i < big.capacity(); i++) {
      big.put(i, (byte) (i * 31));
    }
    CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
      try {
        return c.write(new ByteBuffer[] {big.duplicate(), ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip()});
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    ByteBuffer got = ByteBuffer.allocate((1 << 20) + 3);
    while (got.hasRemaining()) {
      assertThat(s.read(got)).isPositive(); // blocking reads return at least one byte
    }
    assertThat(writer.get(5, TimeUnit.SECONDS)).as("a blocking write writes everything").isEqualTo((1 << 20) + 3L);
    assertThat(got.flip().limit(1 << 20)).isEqualTo(big.clear());

    // an asynchronous close wakes a blocked read with AsynchronousCloseException
    CompletableFuture<Throwable> blocked = blockedIn(() -> c.read(ByteBuffer.allocate(1)));
    assertThat(blocked).isNotDone();
    c.close();
    assertThat(blocked.get(5, TimeUnit.SECONDS)).isExactlyInstanceOf(AsynchronousCloseException.class);

    // an interrupt closes the channel: ClosedByInterruptException, interrupt status kept
    SocketChannel c2 = connectBlocking(B4, 16);
    track(server.accept());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        c2.read(ByteBuffer.allocate(1));
      } catch (Throwable e) {
        failure.set(e);
        interrupted.set(Thread.currentThread().isInterrupted());
      }
    });
    t.start();
    awaitParked(t);
    t.interrupt();
    t.join(5000);
    assertThat(failure.get()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(interrupted.get()).isTrue();
    assertThat(c2.isOpen()).isFalse();

    // a blocked accept, closed from another thread
    CompletableFuture<Throwable> blockedAccept = blockedIn(server::accept);
    server.close();
    assertThat(blockedAccept.get(5, TimeUnit.SECONDS)).isExactlyInstanceOf(AsynchronousCloseException.class);
  }

  @Test
  void optionsAndSocketAdaptors() throws Exception {
    ServerSocketChannel server = listen(17);
    assertThat(server.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
    assertThat(server.getLocalAddress()).isEqualTo(new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[4]), 17));
    SocketChannel c = track(nioA.openSocketChannel());
    c.setOption(StandardSocketOptions.TCP_NODELAY, true).setOption(StandardSocketOptions.SO_KEEPALIVE, true)
        .setOption(StandardSocketOptions.SO_LINGER, 5).setOption(StandardSocketOptions.SO_SNDBUF, 100_000)
        .setOption(StandardSocketOptions.SO_RCVBUF, 120_000).setOption(StandardSocketOptions.SO_REUSEADDR, true);
    c.connect(new InetSocketAddress(B4, 17));
    assertThat(c.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
    assertThat(c.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
    assertThat(c.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(5);
    assertThat(c.getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(100_000);
    assertThat(c.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(120_000);
    assertThat(c.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
    assertThat(c.supportedOptions()).contains(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_LINGER);
    assertThatThrownBy(() -> c.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 3))
        .isInstanceOf(UnsupportedOperationException.class);

    // the server adaptor accepts (honouring SO_TIMEOUT), the client adaptor streams
    ServerSocket ss = server.socket();
    assertThat(ss).isInstanceOf(ZeroTierServerSocket.class);
    assertThat(ss.getChannel()).isSameAs(server);
    assertThat(ss.getLocalPort()).isEqualTo(17);
    Socket accepted = ss.accept();
    assertThat(accepted).isInstanceOf(ZeroTierSocket.class);
    assertThat(accepted.getChannel()).isNotNull();
    Socket cs = c.socket();
    assertThat(cs).isInstanceOf(ZeroTierSocket.class);
    assertThat(cs.getChannel()).isSameAs(c);
    assertThat(cs.isConnected()).isTrue();
    assertThat(cs.getTcpNoDelay()).isTrue();
    cs.setTcpNoDelay(false);
    assertThat(c.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
    assertThat(cs.getSoLinger()).isEqualTo(5);
    assertThat(cs.getPort()).isEqualTo(17);
    assertThat(cs.getInetAddress()).isEqualTo(B4);
    cs.getOutputStream().write("adapt".getBytes(StandardCharsets.US_ASCII));
    byte[] five = new byte[5];
    new DataInputStream(accepted.getInputStream()).readFully(five);
    assertThat(new String(five, StandardCharsets.US_ASCII)).isEqualTo("adapt");
    ss.setSoTimeout(100);
    assertThatThrownBy(ss::accept).isInstanceOf(java.net.SocketTimeoutException.class).hasMessage("Accept timed out");
    c.configureBlocking(false);
    assertThatThrownBy(cs::getInputStream).isInstanceOf(IllegalBlockingModeException.class);
    cs.close();
    assertThat(c.isOpen()).isFalse();

    // an unconnected channel's adaptor connects it
    SocketChannel u = track(nioA.openSocketChannel());
    Socket us = u.socket();
    assertThat(us.isConnected()).isFalse();
    us.connect(new InetSocketAddress(B4, 17), 2000);
    assertThat(u.isConnected()).isTrue();
    assertThat(us.isConnected()).isTrue();
    assertThat(us.getLocalAddress()).isEqualTo(A4);
    Socket acc2 = ss.accept();
    acc2.getOutputStream().write(7);
    assertThat(us.getInputStream().read()).isEqualTo(7);
    acc2.close();
  }

  @Test
  void bindBeforeConnectPicksTheLocalAddressAndPort() throws Exception {
    ServerSocketChannel server = listen(19);
    SocketChannel c = track(nioA.openSocketChannel());
    c.bind(new InetSocketAddress(A4, 40123));
    assertThat(c.getLocalAddress()).isEqualTo(new InetSocketAddress(A4, 40123));
    assertThatThrownBy(() -> c.bind(null)).isInstanceOf(AlreadyBoundException.class);
    c.connect(new InetSocketAddress(B4, 19));
    assertThat(c.getLocalAddress()).isEqualTo(new InetSocketAddress(A4, 40123));
    SocketChannel s = track(server.accept());
    assertThat(s.getRemoteAddress()).isEqualTo(new InetSocketAddress(A4, 40123));
    assertThat(s.getLocalAddress()).isEqualTo(new InetSocketAddress(B4, 19));
  }

  @Test
  void datagramChannelsSendReceiveConnectAndSelect() throws Exception {
    DatagramChannel b = track(nioB.openDatagramChannel()).bind(new InetSocketAddress(5000));
    b.configureBlocking(false);
    assertThat(b.receive(ByteBuffer.allocate(10))).isNull();
    Selector sel = track(nioB.openSelector());
    SelectionKey k = b.register(sel, SelectionKey.OP_READ);
    DatagramChannel a = track(nioA.openDatagramChannel());
    assertThat(a.getLocalAddress()).isNull();
    assertThat(a.send(ascii("one"), new InetSocketAddress(B4, 5000))).isEqualTo(3); // binds
    assertThat(((InetSocketAddress) a.getLocalAddress()).getPort()).isPositive();
    a.send(ascii("two-long-datagram"), new InetSocketAddress(B4, 5000));
    awaitReady(sel, k, SelectionKey.OP_READ);
    ByteBuffer buf = ByteBuffer.allocate(16);
    InetSocketAddress from = (InetSocketAddress) b.receive(buf);
    assertThat(from.getAddress()).isEqualTo(A4);
    assertThat(from.getPort()).isEqualTo(((InetSocketAddress) a.getLocalAddress()).getPort());
    assertThat(ascii(buf)).isEqualTo("one");
    ByteBuffer small = ByteBuffer.allocate(3);
    long t0 = System.nanoTime();
    while (b.receive(small) == null) {
      assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
      sel.select(100);
    }
    assertThat(ascii(small)).as("truncated, the rest discarded").isEqualTo("two");
    sel.selectedKeys().clear();
    assertThat(sel.selectNow()).isZero();

    // connected: read/write, and only the peer's datagrams
    b.connect(from);
    assertThat(b.isConnected()).isTrue();
    assertThatThrownBy(() -> b.connect(from)).isInstanceOf(AlreadyConnectedException.class);
    assertThatThrownBy(() -> b.send(ascii("x"), new InetSocketAddress(A4, 1))).isInstanceOf(AlreadyConnectedException.class);
    assertThat(b.write(new ByteBuffer[] {ascii("ga"), ascii("ther")})).isEqualTo(6);
    a.configureBlocking(true);
    ByteBuffer r = ByteBuffer.allocate(10);
    assertThat(a.receive(r)).isEqualTo(new InetSocketAddress(B4, 5000));
    assertThat(ascii(r)).isEqualTo("gather");
    DatagramChannel stranger = track(nioA.openDatagramChannel());
    stranger.send(ascii("nope"), new InetSocketAddress(B4, 5000));
    a.send(ascii("yes"), new InetSocketAddress(B4, 5000));
    ByteBuffer[] parts = {ByteBuffer.allocate(1), ByteBuffer.allocate(5)};
    t0 = System.nanoTime();
    long n;
    while ((n = b.read(parts)) == 0) {
      assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
      sel.select(100);
    }
    assertThat(n).isEqualTo(3);
    assertThat(ascii(parts[0]) + ascii(parts[1])).isEqualTo("yes");
    DatagramChannel unconnected = track(nioA.openDatagramChannel());
    assertThatThrownBy(() -> unconnected.read(ByteBuffer.allocate(1))).isInstanceOf(NotYetConnectedException.class);

    // blocking receive closed from another thread
    CompletableFuture<Throwable> blocked = blockedIn(() -> a.receive(ByteBuffer.allocate(1)));
    a.close();
    assertThat(blocked.get(5, TimeUnit.SECONDS)).isExactlyInstanceOf(AsynchronousCloseException.class);

    DatagramSocket adaptor = b.socket();
    assertThat(adaptor).isInstanceOf(ZeroTierDatagramSocket.class);
    assertThat(adaptor.getChannel()).isSameAs(b);
    assertThat(adaptor.getLocalPort()).isEqualTo(5000);
    assertThat(adaptor.isConnected()).isTrue();
    adaptor.close();
    assertThat(b.isOpen()).isFalse();
  }

  @Test
  void datagramChannelJoinsAndDropsAMulticastGroup() throws Exception {
    java.net.InetAddress group = java.net.InetAddress.getByName("239.1.2.3");
    DatagramChannel member = track(nioB.openDatagramChannel()).bind(new InetSocketAddress(5357));
    java.nio.channels.MembershipKey key = member.join(group, null);
    assertThat(key.isValid()).isTrue();
    assertThat(key.group()).isEqualTo(group);
    assertThat(key.channel()).isSameAs(member);
    assertThat(member.join(group, null)).isSameAs(key);
    assertThatThrownBy(() -> member.join(java.net.InetAddress.getByName("10.1.2.3"), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> member.join(group, null, A4)).isInstanceOf(UnsupportedOperationException.class);
    DatagramChannel sender = track(nioA.openDatagramChannel());
    sender.send(ascii("to the group"), new InetSocketAddress(group, 5357));
    ByteBuffer in = ByteBuffer.allocate(64);
    member.configureBlocking(true);
    assertThat(((InetSocketAddress) member.receive(in)).getAddress()).isEqualTo(A4);
    assertThat(ascii(in)).isEqualTo("to the group");
    key.drop();
    assertThat(key.isValid()).isFalse();
  }

  @Test
  void ipv6AndEchoThroughTheAdaptorOfAnAcceptedChannel() throws Exception {
    ServerSocketChannel server = track(nioB.openServerSocketChannel()).bind(new InetSocketAddress(B6, 18));
    SocketChannel c = connectBlocking(B6, 18);
    SocketChannel s = track(server.accept());
    Socket adaptor = s.socket();
    adaptor.getOutputStream().write(new byte[] {9, 8, 7});
    ByteBuffer b = ByteBuffer.allocate(3);
    while (b.hasRemaining()) {
      c.read(b);
    }
    assertThat(b.array()).containsExactly(9, 8, 7);
  }
}
