package io.zt4j.runtime;

import io.zt4j.node.CorruptStateException;
import io.zt4j.node.Node;
import io.zt4j.node.NodeConfig;
import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeHost;
import io.zt4j.node.NodeStatus;
import io.zt4j.node.PeerInfo;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one {@link Node} for real: its UDP sockets, its state directory and the node loop thread.
 *
 * <p><b>The node loop.</b> One thread owns the node. It sleeps in {@link Selector#select(long)}
 * until the node's next deadline or until a datagram or a command arrives; there is no polling
 * interval. Each wake-up reads the clock once, feeds every waiting datagram to the node, runs
 * queued commands, and calls {@link Node#processBackgroundTasks} when its deadline has come.
 *
 * <p><b>Threads.</b> All methods may be called from any thread. Queries and commands cross to
 * the loop as tasks on a queue followed by a selector wake-up ({@link #call}); the node itself is
 * never touched by another thread. The event listener runs on the loop thread and must return
 * quickly (hand work to another thread if it is slow).
 *
 * <p><b>Time.</b> The node's clock is wall-clock milliseconds at start advanced by the monotonic
 * clock, so it never jumps backwards.
 */
public final class NodeRunner implements AutoCloseable {
  /** What to run. */
  public static final class Options {
    private StateDirectory home;
    private Identity identity;
    private final List<InetSocketAddress> bind = new ArrayList<>();
    private World planet;
    private boolean allowLoopbackPaths;
    private Consumer<NodeEvent> listener = e -> {};
    private String name = "zt4j-node";
    private final List<long[]> orbits = new ArrayList<>();

    /**
     * Orbits moon {@code worldId} at start, asking {@code seed} (one of its roots, 0 if the moon is
     * already stored) for it. Moons stored in the home are orbited anyway, as ZeroTier One does.
     */
    public Options orbit(long worldId, long seed) {
      orbits.add(new long[] {worldId, seed});
      return this;
    }

    /** Keep identity, planet, moons and peers in this directory (default: in memory only). */
    public Options home(StateDirectory dir) {
      this.home = dir;
      return this;
    }

    /**
     * The identity to use (with its private key) for a node that keeps its state in memory
     * (no {@link #home}); without one, an identity is generated.
     */
    public Options identity(Identity id) {
      if (!id.hasPrivateKey()) {
        throw new IllegalArgumentException("identity needs its private key");
      }
      this.identity = id;
      return this;
    }

    /** Bind UDP here (repeatable; IPv4 or IPv6). Only these addresses are used and advertised. */
    public Options bind(InetSocketAddress address) {
      bind.add(Objects.requireNonNull(address));
      return this;
    }

    /** Use this planet instead of the stored or built-in one. */
    public Options planet(World planet) {
      this.planet = planet;
      return this;
    }

    /** Allow loopback addresses as ZeroTier paths (single-machine private planets). */
    public Options allowLoopbackPaths(boolean allow) {
      this.allowLoopbackPaths = allow;
      return this;
    }

    /** Receives node events on the loop thread. */
    public Options listener(Consumer<NodeEvent> listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /** Name of the loop thread. */
    public Options name(String name) {
      this.name = name;
      return this;
    }
  }

  private final Selector selector;
  private final UdpTransport transport;
  private final StateDirectory home;
  private final Map<String, byte[]> memoryState = new HashMap<>();
  private final Consumer<NodeEvent> listener;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final CountDownLatch onlineLatch = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final long wallAtStart = System.currentTimeMillis();
  private final long nanoAtStart = System.nanoTime();
  private final Thread thread;
  private final Node node;
  private volatile boolean running = true;
  private volatile boolean online;
  private volatile Throwable failure;
  private volatile RuntimeException lastStateWriteError;
  private final byte[] rx = new byte[UdpTransport.MAX_DATAGRAM];
  private long deadline;

  private NodeRunner(Options o) throws IOException {
    if (o.bind.isEmpty()) {
      throw new IllegalArgumentException("no address to bind");
    }
    if (o.home != null && o.identity != null) {
      throw new IllegalArgumentException("an identity is given either in the home or in memory, not both");
    }
    this.home = o.home;
    this.listener = o.listener;
    if (o.identity != null) {
      memoryState.put(StateObject.IDENTITY_SECRET + "/0", o.identity.toString(true).getBytes(StandardCharsets.US_ASCII));
    }
    this.selector = Selector.open();
    try {
      this.transport = UdpTransport.bind(o.bind, selector);
    } catch (RuntimeException e) {
      selector.close();
      throw e;
    }
    NodeConfig.Builder cfg = NodeConfig.builder(new SecureRandom()).allowLoopbackPaths(o.allowLoopbackPaths);
    if (o.planet != null) {
      cfg.planet(o.planet);
    }
    Node n;
    try {
      n = Node.create(cfg.build(), new Host(), now());
    } catch (CorruptStateException e) {
      transport.close();
      selector.close();
      if (home != null) {
        throw new StateDirectory.StateFileException(home.fileOf(e.type(), e.id()), e.problem());
      }
      throw e;
    } catch (RuntimeException e) {
      transport.close();
      selector.close();
      throw e;
    }
    this.node = n;
    if (home != null) {
      for (long moon : home.list(StateObject.MOON)) {
        node.orbit(moon, null, now());
      }
    }
    for (long[] orbit : o.orbits) {
      node.orbit(orbit[0], orbit[1] == 0 ? null : io.zt4j.node.identity.Address.of(orbit[1]), now());
    }
    for (InetSocketAddress a : transport.localAddresses()) {
      if (!a.getAddress().isAnyLocalAddress()) {
        node.addLocalInterfaceAddress(toNode(a));
      }
    }
    this.deadline = now();
    this.thread = new Thread(this::loop, o.name);
    this.thread.setDaemon(false);
  }

  /** Binds, loads or creates the identity, and starts the loop thread. */
  public static NodeRunner start(Options options) {
    NodeRunner r;
    try {
      r = new NodeRunner(options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    r.thread.start();
    return r;
  }

  /** The node's clock (ms). */
  public long now() {
    return wallAtStart + (System.nanoTime() - nanoAtStart) / 1_000_000;
  }

  /** Bound socket addresses (socket id = index). */
  public List<InetSocketAddress> localAddresses() {
    return transport.localAddresses();
  }

  /** Our ZeroTier address (immutable, so readable from any thread). */
  public io.zt4j.node.identity.Address address() {
    return node.address();
  }

  public boolean online() {
    return online;
  }

  /** Waits until an upstream has been heard from; false on timeout. */
  public boolean awaitOnline(Duration timeout) throws InterruptedException {
    return onlineLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code f} with the node on the loop thread and returns its result (directly when called
   * on the loop thread, e.g. from the event listener).
   */
  public <T> T call(Function<Node, T> f) {
    if (Thread.currentThread() == thread) {
      return f.apply(node);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    commands.add(() -> {
      try {
        result.complete(f.apply(node));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    selector.wakeup();
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    } catch (TimeoutException e) {
      throw new IllegalStateException("node loop did not answer within 30 s" + (running ? "" : " (stopped)"), e);
    }
  }

  public NodeStatus status() {
    return call(Node::status);
  }

  public List<PeerInfo> peers() {
    return call(n -> n.peers(now()));
  }

  /** Sends a USER_MESSAGE to another node. */
  public boolean sendUserMessage(io.zt4j.node.identity.Address to, long typeId, byte[] data) {
    return call(n -> n.sendUserMessage(to, typeId, data, now()));
  }

  /** The error that stopped the loop, if any. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The last failure to write a state file (the node keeps running without it), if any. */
  public Optional<RuntimeException> lastStateWriteError() {
    return Optional.ofNullable(lastStateWriteError);
  }

  /** Stops the loop, saves the peer cache, closes the sockets. Idempotent. */
  @Override
  public void close() {
    if (running) {
      running = false;
      selector.wakeup();
    }
    if (Thread.currentThread() != thread) {
      try {
        if (!stopped.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("node loop did not stop");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits for the loop to end (after {@link #close} or a failure). */
  public void join() throws InterruptedException {
    stopped.await();
  }

  private void loop() {
    try {
      while (running) {
        long now = now();
        Runnable c;
        while ((c = commands.poll()) != null) {
          c.run();
        }
        now = now();
        if (now >= deadline) {
          deadline = node.processBackgroundTasks(now);
        }
        deadline = Math.min(deadline, node.nextDeadline());
        long wait = Math.max(1, deadline - now());
        selector.select(wait);
        if (!selector.selectedKeys().isEmpty()) {
          long t = now();
          transport.drain(selector.selectedKeys(), (id, from, data) -> received(id, from, data, t));
          selector.selectedKeys().clear();
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      try {
        node.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
      transport.close();
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      Runnable c;
      while ((c = commands.poll()) != null) {
        c.run(); // complete waiting callers (the node is closed: they get an exception)
      }
      stopped.countDown();
    }
  }

  private void received(int socketId, InetSocketAddress from, ByteBuffer data, long now) {
    int n = data.remaining();
    data.get(rx, 0, n);
    node.processWirePacket(socketId, toNode(from), rx, 0, n, now);
  }

  static InetAddress toNode(InetSocketAddress a) {
    return InetAddress.of(a.getAddress().getAddress(), a.getPort());
  }

  static InetSocketAddress toJava(InetAddress a) {
    try {
      return new InetSocketAddress(java.net.InetAddress.getByAddress(a.ip()), a.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The node's host: sockets, state, events. Called only on the loop thread. */
  private final class Host implements NodeHost {
    @Override
    public boolean sendUdp(long localSocket, InetAddress remote, byte[] data, int offset, int length, int ttl) {
      // Java cannot set a unicast TTL per datagram; the low-TTL junk datagram goes out with the
      // default TTL (it still opens our NAT; the peer ignores 4-byte datagrams).
      return transport.send(localSocket, toJava(remote), ByteBuffer.wrap(data, offset, length));
    }

    @Override
    public void onEvent(NodeEvent event) {
      if (event instanceof NodeEvent.Online) {
        online = true;
        onlineLatch.countDown();
      } else if (event instanceof NodeEvent.Offline) {
        online = false;
      }
      listener.accept(event);
    }

    @Override
    public Optional<byte[]> stateGet(StateObject type, long id) {
      if (home == null) {
        return Optional.ofNullable(memoryState.get(type + "/" + (perId(type) ? id : 0)));
      }
      return home.read(type, id);
    }

    @Override
    public void statePut(StateObject type, long id, byte[] data) {
      if (home == null) {
        memoryState.put(type + "/" + (perId(type) ? id : 0), data.clone());
        return;
      }
      try {
        home.write(type, id, data);
      } catch (StateDirectory.StateFileException e) {
        // Like ZeroTier One: a state file that cannot be written is reported, the node goes on.
        lastStateWriteError = e;
      }
    }

    @Override
    public void stateDelete(StateObject type, long id) {
      if (home == null) {
        memoryState.remove(type + "/" + (perId(type) ? id : 0));
      } else {
        home.delete(type, id);
      }
    }

    private boolean perId(StateObject t) {
      return t == StateObject.MOON || t == StateObject.PEER || t == StateObject.NETWORK_CONFIG;
    }
  }
}
