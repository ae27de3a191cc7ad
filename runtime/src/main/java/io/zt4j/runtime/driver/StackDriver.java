package io.zt4j.runtime.driver;

import io.zt4j.runtime.EventLoop;
import io.zt4j.stack.Stack;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.socket.icmp.PingReply;
import io.zt4j.stack.socket.icmp.PingSocket;
import io.zt4j.stack.wire.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * Drives one {@link Stack} from an {@link EventLoop}: the bridge between application threads
 * and the single-threaded stack (the original SDK's "stack driver").
 *
 * <p>Each application socket is a {@link DriverSocket} ({@link TcpConnection},
 * {@link TcpAcceptor}, {@link UdpConnection}) with bounded buffers on the application side.
 * The loop serves a socket when the stack reports that its readiness changed
 * ({@link Stack#nextReady()}, {@code Tcp.nextReady()} — never by scanning) or when an application
 * thread scheduled it; application threads park until the loop unparks them.
 *
 * <p>Registered as a {@link EventLoop.Task}: each iteration serves the scheduled sockets, runs
 * the stack's timers and drains the readiness queues. Frames reach the stack on the loop thread
 * (the virtual tap, or a test link, calls {@link Interface#receiveFrame}); the readiness they
 * cause is drained in the same iteration.
 */
public final class StackDriver implements EventLoop.Task {
  private final EventLoop loop;
  private final Stack stack;
  private final ConcurrentLinkedQueue<DriverSocket> pending = new ConcurrentLinkedQueue<>();
  private final DriverOptions options;

  /** Drives {@code stack} on {@code loop}; registers itself as a task of the loop. */
  public StackDriver(EventLoop loop, Stack stack, DriverOptions options) {
    this.loop = loop;
    this.stack = stack;
    this.options = options;
    loop.execute(() -> loop.addTask(this));
  }

  public StackDriver(EventLoop loop, Stack stack) {
    this(loop, stack, DriverOptions.DEFAULTS);
  }

  public EventLoop loop() {
    return loop;
  }

  /** The stack; touch it only on the loop thread. */
  public Stack stack() {
    return stack;
  }

  public DriverOptions options() {
    return options;
  }

  /** Adds an interface (on the loop) and returns it. Any thread. */
  public Interface addInterface(InterfaceConfig config, LinkDevice device) throws IOException {
    return onLoop(() -> stack.addInterface(config, device, System.nanoTime()));
  }

  void enqueue(DriverSocket s) {
    pending.add(s);
    loop.wakeup();
  }

  @Override
  public long run(long nowNanos) {
    for (DriverSocket s; (s = pending.poll()) != null; ) {
      s.unschedule();
      s.service(nowNanos);
    }
    if (nowNanos >= stack.pollAt()) {
      stack.poll(nowNanos);
    }
    drainReadiness(nowNanos);
    return stack.pollAt();
  }

  /**
   * Serves every socket the stack queued as changed (TCP, UDP and ping share one queue) until it
   * is empty. Loop thread only.
   */
  public void drainReadiness(long nowNanos) {
    for (StackSocket s; (s = stack.nextReady()) != null; ) {
      if (s.attachment() instanceof DriverSocket d) {
        d.service(nowNanos);
      }
    }
  }

  // ------------------------------------------------------------------ opening sockets

  /**
   * A TCP connection not yet opened: set its options, then {@link TcpConnection#connect} it.
   * Any thread.
   */
  public TcpConnection newTcp() {
    return new TcpConnection(this);
  }

  /** Starts a TCP connection; wait for it with {@link TcpConnection#awaitConnected}. Any thread. */
  public TcpConnection connect(InetAddress local, int localPort, InetAddress remote, int remotePort) {
    TcpConnection c = new TcpConnection(this);
    c.connect(local, localPort, remote, remotePort);
    return c;
  }

  /** Opens a listener on {@code local:port} (null local: any address). Any thread. */
  public TcpAcceptor listen(InetAddress local, int port, int backlog) throws IOException {
    TcpAcceptor a = new TcpAcceptor(this, Math.max(1, backlog));
    onLoop(() -> {
      a.open(local, port);
      return null;
    });
    return a;
  }

  /** A bound UDP socket (null local: any address; port 0: ephemeral). Any thread. */
  public UdpConnection openUdp(InetAddress local, int port, boolean reuseAddress) throws IOException {
    UdpConnection u = new UdpConnection(this);
    onLoop(() -> {
      u.open(local, port, reuseAddress);
      return null;
    });
    return u;
  }

  /**
   * Sends one ICMP/ICMPv6 echo request and waits for its outcome.
   *
   * @return the reply or error, as the stack reports it ({@code TIMED_OUT} after the timeout)
   */
  public PingReply ping(InetAddress address, int size, long timeoutMillis) throws IOException {
    CompletableFuture<PingReply> result = new CompletableFuture<>();
    IpAddress dst = IpAddress.of(address);
    loop.execute(() -> {
      PingSocket s = stack.ping(dst, size, timeoutMillis * 1_000_000L, System.nanoTime());
      if (s == null) {
        result.completeExceptionally(new SocketException("No buffer space available"));
        return;
      }
      s.attach(new DriverSocket(this) {
        @Override
        void service(long nowNanos) {
          PingReply r = s.receive();
          if (r != null || s.pendingError() != null) {
            s.close();
            result.complete(r);
          }
        }
      });
      if (s.pendingError() != null || s.readiness() != 0) {
        ((DriverSocket) s.attachment()).service(System.nanoTime());
      }
    });
    try {
      PingReply r = result.get();
      if (r == null) {
        throw new SocketException("ping failed");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Runs {@code call} on the loop and returns its result, rethrowing its IOException. */
  <T> T onLoop(java.util.concurrent.Callable<T> call) throws IOException {
    try {
      return loop.call(call);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
