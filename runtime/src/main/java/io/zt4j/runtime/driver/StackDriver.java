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
import java.util.List;

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
  private final java.util.Set<DriverSocket> sockets = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;
  private final java.util.ArrayList<Thread> unparkAtIterationEnd = new java.util.ArrayList<>(); // loop-only
  private boolean wokeThisIteration; // loop-only
  private volatile EventLoop.Task inlineWork = this;

  /** Drives {@code stack} on {@code loop}; registers itself as a task of the loop. */
  public StackDriver(EventLoop loop, Stack stack, DriverOptions options) {
    this(loop, stack, options, true);
  }

  /**
   * Drives {@code stack} on {@code loop}. With {@code registerTask} false the owner runs
   * {@link #run} itself as part of its own task (the node runner does, so that the node and the
   * stack share one deadline computed after both ran).
   */
  public StackDriver(EventLoop loop, Stack stack, DriverOptions options, boolean registerTask) {
    this.loop = loop;
    this.stack = stack;
    this.options = options;
    if (registerTask) {
      loop.execute(() -> loop.addTask(this));
    }
    if (loop.inLoop()) {
      loop.onIterationEnd(this::unparkDeferred);
    } else {
      loop.execute(() -> loop.onIterationEnd(this::unparkDeferred));
    }
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

  void register(DriverSocket s) {
    sockets.add(s);
  }

  void unregister(DriverSocket s) {
    sockets.remove(s);
  }

  /** Sockets not yet closed and released (diagnostics, shutdown). */
  public int openSockets() {
    return sockets.size();
  }

  /** Whether {@link #shutdown} ran: new sockets fail with "Socket closed". */
  public boolean isStopped() {
    return stopped;
  }

  /**
   * Closes every socket of this driver (connections are reset, blocked application threads get
   * "Socket closed"); called on the loop thread when the node stops.
   */
  public void shutdown() {
    stopped = true;
    long now = System.nanoTime();
    for (DriverSocket s : List.copyOf(sockets)) {
      s.closeForShutdown();
      s.serve(now);
    }
    sockets.clear();
  }

  /**
   * Wakes {@code t} (an application thread waiting for data). The first wake-up of a loop
   * iteration goes out at once (a reader waiting for a reply must not wait for the rest of the
   * iteration); later ones wait for the end of the iteration (a reader woken for every arriving
   * segment parks again after each one: two futex calls and a context switch per segment, where
   * one wake-up per batch of datagrams lets it take what the batch brought). Loop thread only.
   */
  void wakeReader(Thread t) {
    if (t == null) {
      return;
    }
    if (io.zt4j.runtime.LatencyProbe.ENABLED) {
      io.zt4j.runtime.LatencyProbe.delivered();
    }
    if (!wokeThisIteration) {
      wokeThisIteration = true;
      java.util.concurrent.locks.LockSupport.unpark(t);
      return;
    }
    int n = unparkAtIterationEnd.size();
    if (n == 0 || unparkAtIterationEnd.get(n - 1) != t) {
      unparkAtIterationEnd.add(t); // a repeat of an earlier one only costs a spare permit
    }
  }

  private void unparkDeferred() {
    for (int i = 0; i < unparkAtIterationEnd.size(); i++) {
      java.util.concurrent.locks.LockSupport.unpark(unparkAtIterationEnd.get(i));
    }
    unparkAtIterationEnd.clear();
    wokeThisIteration = false;
  }

  /**
   * What an application thread runs itself when it schedules a socket while the loop sleeps
   * ({@link EventLoop#runIfIdle}): by default this driver's {@link #run}; an owner that drives
   * more below the stack (the node runner: the node that armours and sends the frames) sets its
   * own, which must serve this driver's scheduled sockets and return the owner's next deadline.
   */
  public void inlineWork(EventLoop.Task work) {
    this.inlineWork = java.util.Objects.requireNonNull(work);
  }

  /**
   * Queues {@code s} for service. With {@code inline}, when the loop sleeps the calling thread
   * serves it at once under the loop's core lock (an application write goes out on the writing
   * thread: no wake-up, no hand-off); otherwise the loop is woken (free when it is awake).
   */
  void enqueue(DriverSocket s, boolean inline) {
    pending.add(s);
    if (!inline || !loop.runIfIdle(inlineWork)) {
      loop.wakeup();
    }
  }

  @Override
  public long run(long nowNanos) {
    for (DriverSocket s; (s = pending.poll()) != null; ) {
      s.unschedule();
      s.serve(nowNanos);
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
        d.serve(nowNanos);
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
    if (stopped) {
      throw new SocketException("Socket closed");
    }
    execute(() -> {
      PingSocket s = stack.ping(dst, size, timeoutMillis * 1_000_000L, System.nanoTime());
      if (s == null) {
        result.completeExceptionally(new SocketException("No buffer space available"));
        return;
      }
      s.attach(new DriverSocket(this) {
        private boolean cancelled;

        @Override
        void service(long nowNanos) {
          PingReply r = s.receive();
          if (r != null || s.pendingError() != null || cancelled) {
            s.close();
            forget();
            if (cancelled && r == null) {
              result.completeExceptionally(new SocketException("Socket closed"));
            } else {
              result.complete(r);
            }
          }
        }

        @Override
        void closeForShutdown() {
          cancelled = true;
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

  /** Queues {@code command} on the loop; "Socket closed" when the driver or its loop stopped. */
  void execute(Runnable command) throws SocketException {
    try {
      loop.execute(command);
    } catch (IllegalStateException e) {
      throw new SocketException("Socket closed");
    }
  }

  /** Runs {@code call} on the loop and returns its result, rethrowing its IOException. */
  <T> T onLoop(java.util.concurrent.Callable<T> call) throws IOException {
    if (stopped) {
      throw new SocketException("Socket closed");
    }
    try {
      return loop.call(call);
    } catch (IllegalStateException e) {
      if (stopped || !loop.isRunning()) {
        throw new SocketException("Socket closed");
      }
      throw e;
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
