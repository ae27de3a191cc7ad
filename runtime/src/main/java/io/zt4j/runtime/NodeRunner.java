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
import io.zt4j.node.vl1.Vl1Constants;
import io.zt4j.node.vl2.NetworkOperation;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.driver.DriverOptions;
import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.socket.tcp.TcpConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one ZeroTier node for real, on <b>one thread</b>: the node core, its UDP sockets, its state
 * directory, the user-space TCP/IP stack with one {@link VirtualTap} per joined network, and the
 * stack driver that application sockets talk to all live on one {@link EventLoop}.
 *
 * <h2>The loop</h2>
 *
 * The loop sleeps in {@code select} until the earliest of the node's and the stack's deadlines,
 * a datagram, or a wake-up from an application thread (a socket write, a command); there is no
 * polling interval. Each iteration:
 *
 * <ol>
 *   <li>every waiting datagram goes to {@link Node#processWirePacket}; frames the node delivers
 *       to a tap are fed to the stack right after that call returns, and the sockets they made
 *       ready are served;
 *   <li>queued commands run ({@link #call}, socket opens, joins…);
 *   <li>the stack driver serves the sockets application threads scheduled and runs the stack's
 *       timers; frames the stack sends go through their tap straight into the node, which armours
 *       them and sends them on the UDP socket — all on this thread, before it sleeps again;
 *   <li>the node's background tasks run when due.
 * </ol>
 *
 * <h2>Re-entrancy</h2>
 *
 * The node must not be called from inside its own callbacks, and the stack must not be called
 * from inside a device transmit. The runner keeps a depth counter around every node call; what
 * the node hands out meanwhile (frames for a tap, network changes) is queued and applied once the
 * outermost node call returns, so a frame fed to the stack (which may answer at once with a frame
 * of its own) never runs inside the node.
 *
 * <h2>Threads</h2>
 *
 * All public methods may be called from any thread; queries and commands cross to the loop as
 * queued tasks ({@link #call}). The node and the stack are touched only by the owner of the
 * loop's core lock ({@link EventLoop#inLoop()}): the loop thread, or — while the loop sleeps — an
 * application thread whose write, datagram or close runs the data path inline
 * ({@link EventLoop#runIfIdle}, with {@code runInline} as the work: the driver's sockets and
 * what they make the node send, never the background tasks). The event and network listeners
 * run under that lock, on either kind of thread, and must return quickly without blocking.
 *
 * <h2>Time</h2>
 *
 * The node's clock is wall-clock milliseconds at start advanced by the monotonic clock, so it
 * never jumps backwards; the stack gets the monotonic nanoseconds the loop read.
 */
public final class NodeRunner implements AutoCloseable {

  /** Hears about joined networks after their tap applied the change. Loop thread. */
  @FunctionalInterface
  public interface NetworkListener {
    /**
     * @param operation UP (joined), CONFIG_UPDATE (config, status or subscriptions changed), DOWN
     *     (node stopping), DESTROY (left)
     */
    void networkChanged(long networkId, NetworkOperation operation, VirtualNetworkConfig config);
  }

  /** What to run. */
  public static final class Options {
    private StateDirectory home;
    private Identity identity;
    private final List<InetSocketAddress> bind = new ArrayList<>();
    private World planet;
    private boolean allowLoopbackPaths;
    private final List<io.zt4j.node.TrustedPath> trustedPaths = new ArrayList<>();
    private Long loopbackIdentityValidationMillis;
    private Consumer<NodeEvent> listener = e -> {};
    private NetworkListener networkListener = (id, op, c) -> {};
    private String name = "zt4j-node";
    private final List<long[]> orbits = new ArrayList<>();
    private final List<World> moons = new ArrayList<>();
    private DriverOptions driverOptions = DriverOptions.DEFAULTS;
    private TcpConfig tcpConfig;
    private final List<Object[]> physicalMtus = new ArrayList<>();
    private Integer secondaryPort;
    private long secondaryPortOfflineMillis = 2 * io.zt4j.node.vl1.Vl1Constants.PEER_PING_PERIOD_MILLIS;
    private io.zt4j.runtime.portmap.PortMapper.Config portMapping;

    /**
     * The largest UDP payload to send to addresses in {@code network}/{@code prefixBits}
     * (ZeroTier One's {@code physical} MTU setting, 1400–10324; default 1432). With
     * {@link #allowLoopbackPaths} set, loopback gets the maximum unless set here.
     */
    public Options physicalPathMtu(java.net.InetAddress network, int prefixBits, int mtu) {
      physicalMtus.add(new Object[] {InetAddress.of(network.getAddress(), prefixBits), mtu});
      return this;
    }

    /**
     * Orbits moon {@code worldId} at start, asking {@code seed} (one of its roots, 0 if the moon is
     * already stored) for it. Moons stored in the home are orbited anyway, as ZeroTier One does.
     */
    public Options orbit(long worldId, long seed) {
      orbits.add(new long[] {worldId, seed});
      return this;
    }

    /**
     * Orbits this moon at start from its definition (what a {@code .moon} file in
     * {@code moons.d} holds; it is stored there, or in memory): its roots are reached at their
     * stable endpoints without asking any other root first.
     *
     * @throws IllegalArgumentException if {@code moon} is a planet
     */
    public Options moon(World moon) {
      if (moon.type() != World.Type.MOON) {
        throw new IllegalArgumentException("world " + Long.toHexString(moon.id()) + " is a planet, not a moon");
      }
      moons.add(moon);
      return this;
    }

    /** Keep identity, planet, moons, peers and network configs in this directory (default: in memory only). */
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

    /**
     * Also listen on a secondary UDP port, on the same addresses as the primary one (ZeroTier
     * One's {@code secondaryPort}; some NATs misbehave when two hosts behind them use the same
     * internal port, and some routers block one port after a while). {@code 0} picks one as
     * ZeroTier One 1.14 does (random in 20000–65499, the next free one); any other value is that
     * port. Off unless called: zt4j is embedded in applications, which should not get a second
     * port they did not ask for (ZeroTier One's service binds one by default). Packets received
     * on it are answered from it, and its addresses are advertised to peers like the primary's.
     */
    public Options secondaryPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("secondary port out of range: " + port);
      }
      this.secondaryPort = port;
      return this;
    }

    /**
     * Ask the LAN's router to forward a UDP port to this node (NAT-PMP, then UPnP IGD), like
     * ZeroTier One's {@code portMappingEnabled}: a third port is bound on the bind addresses
     * (random, as ZeroTier One's tertiary port) and mapped; the router's external address and
     * port are advertised to peers as a direct path. {@code null} (the default) sends nothing to
     * any router. The config says where the router is ({@code PortMapper.Config.defaults()}: the
     * default gateway and SSDP multicast); tests point it at fakes on loopback.
     */
    public Options portMapping(io.zt4j.runtime.portmap.PortMapper.Config config) {
      this.portMapping = config;
      return this;
    }

    /**
     * With a random secondary port ({@link #secondaryPort secondaryPort(0)}): move it to another
     * random port when the node has been offline this long (ZeroTier One: twice the 60 s peer
     * ping period, checked every 30 s; a workaround for routers that start blocking a port).
     */
    public Options secondaryPortOfflineMillis(long millis) {
      if (millis < 1) {
        throw new IllegalArgumentException("interval must be positive: " + millis);
      }
      this.secondaryPortOfflineMillis = millis;
      return this;
    }

    /** Use this planet instead of the stored or built-in one. */
    public Options planet(World planet) {
      this.planet = planet;
      return this;
    }

    /**
     * Allow loopback addresses as ZeroTier paths (single-machine private planets). Unless set
     * with {@link #loopbackIdentityValidationMillis}, this also lifts ZeroTier's limit of one new
     * identity validated per source every 2 s for loopback sources, so nodes started together on
     * one machine come online together.
     */
    public Options allowLoopbackPaths(boolean allow) {
      this.allowLoopbackPaths = allow;
      return this;
    }

    /**
     * A physical network whose packets go without encryption or authentication (ZeroTier's
     * trusted paths, suite 2: both ends must configure the same id); repeatable.
     */
    public Options trustedPath(io.zt4j.node.TrustedPath path) {
      this.trustedPaths.add(java.util.Objects.requireNonNull(path, "path"));
      return this;
    }

    /** Interval between validations of new identities from loopback sources (ZeroTier: 2000 ms). */
    public Options loopbackIdentityValidationMillis(long millis) {
      this.loopbackIdentityValidationMillis = millis;
      return this;
    }

    /** Receives node events on the loop thread. */
    public Options listener(Consumer<NodeEvent> listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /** Receives network changes on the loop thread, after the tap applied them. */
    public Options networkListener(NetworkListener listener) {
      this.networkListener = Objects.requireNonNull(listener);
      return this;
    }

    /** Name of the loop thread. */
    public Options name(String name) {
      this.name = name;
      return this;
    }

    /** Buffer sizes of the stack driver's sockets. */
    public Options driverOptions(DriverOptions o) {
      this.driverOptions = Objects.requireNonNull(o);
      return this;
    }

    /** TCP settings of the node's stack. */
    public Options tcpConfig(TcpConfig c) {
      this.tcpConfig = Objects.requireNonNull(c);
      return this;
    }
  }

  private final EventLoop loop;
  private final StateDirectory home;
  private final Map<String, byte[]> memoryState = new HashMap<>();
  private final Consumer<NodeEvent> listener;
  private final NetworkListener networkListener;
  private final CountDownLatch onlineLatch = new CountDownLatch(1);
  private final long wallAtStart = System.currentTimeMillis();
  private final long nanoAtStart = System.nanoTime();
  private final Map<Long, VirtualNetworkConfig> networkSnapshots = new ConcurrentHashMap<>();
  private volatile boolean online;
  private volatile RuntimeException lastStateWriteError;
  private volatile boolean closed;
  private volatile int secondaryPort;
  // loop-only: moving a random secondary port while offline
  private boolean secondaryRandom;
  private long secondaryOfflineMillis;
  private long bindCheckMillis;
  private long nextBindCheckAt;
  private long lastOnlineAt;
  private volatile io.zt4j.runtime.portmap.PortMapper portMapper;
  /** The router's address for our mapped port, advertised with the bound addresses. Loop only. */
  private InetSocketAddress mappedAddress;

  // loop-only
  private UdpTransport transport;
  private Node node;
  private Stack stack;
  private StackDriver driver;
  private final Map<Long, VirtualTap> taps = new HashMap<>();
  private final byte[] rx = new byte[UdpTransport.MAX_DATAGRAM];
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  private final FramePool framePool = new FramePool();
  private int nodeDepth;
  private boolean flushing;
  private InetSocketAddress lastFrom;
  private InetAddress lastFromNode;
  private final Map<InetAddress, InetSocketAddress> javaAddresses = new HashMap<>();
  private long nodeDeadline;
  private int mappedPort; // the port bound for port mapping (start-up, loop-only)

  private NodeRunner(Options o) {
    if (o.bind.isEmpty()) {
      throw new IllegalArgumentException("no address to bind");
    }
    if (o.home != null && o.identity != null) {
      throw new IllegalArgumentException("an identity is given either in the home or in memory, not both");
    }
    this.home = o.home;
    this.listener = o.listener;
    this.networkListener = o.networkListener;
    if (o.identity != null) {
      memoryState.put(StateObject.IDENTITY_SECRET + "/0", o.identity.toString(true).getBytes(StandardCharsets.US_ASCII));
    }
    this.loop = new EventLoop(o.name);
    // Start-up work that does not depend on the node overlaps with it: the loop binds and
    // creates the node (its own identity's check, the planet) while this thread builds the stack.
    java.util.concurrent.CompletableFuture<Void> nodeCreated = new java.util.concurrent.CompletableFuture<>();
    loop.execute(() -> {
      try {
        initNode(o);
        nodeCreated.complete(null);
      } catch (Throwable t) {
        nodeCreated.completeExceptionally(t);
      }
    });
    Stack built = null;
    RuntimeException stackFailure = null;
    try {
      StackConfig sc = StackConfig.of(new SecureRandom());
      built = o.tcpConfig != null ? new Stack(sc, o.tcpConfig) : new Stack(sc);
    } catch (RuntimeException e) {
      stackFailure = e;
    }
    Stack newStack = built;
    RuntimeException newStackFailure = stackFailure;
    try {
      loop.call(() -> {
        if (nodeCreated.isCompletedExceptionally()) {
          try {
            nodeCreated.join();
          } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
          }
        }
        if (newStackFailure != null) {
          stopOnLoop();
          throw newStackFailure;
        }
        init(o, newStack);
        return null;
      });
    } catch (RuntimeException e) {
      loop.close();
      throw e;
    } catch (Exception e) {
      loop.close();
      throw new IllegalStateException(e);
    }
  }

  /** Loop thread, first part of the start: binds and creates the node. */
  private void initNode(Options o) {
    transport = UdpTransport.bind(o.bind, loop.selector());
    if (o.secondaryPort != null) {
      int primary = transport.localAddresses().get(0).getPort();
      if (o.secondaryPort == primary) {
        transport.close();
        throw new IllegalArgumentException("the secondary port " + primary + " is the primary port");
      }
      try {
        SecureRandom r = new SecureRandom();
        secondaryPort = transport.bindPort(o.secondaryPort, r::nextInt);
        secondaryRandom = o.secondaryPort == 0;
        secondaryOfflineMillis = o.secondaryPortOfflineMillis;
        // ZeroTier One checks at each 30 s bind refresh
        bindCheckMillis = Math.max(1, Math.min(BIND_CHECK_MILLIS, secondaryOfflineMillis / 2));
      } catch (RuntimeException e) {
        transport.close();
        throw e;
      }
    }
    mappedPort = 0;
    if (o.portMapping != null) {
      try {
        SecureRandom r = new SecureRandom();
        mappedPort = transport.bindPort(0, r::nextInt);
      } catch (RuntimeException e) {
        transport.close();
        throw e;
      }
    }
    long loopbackValidation = o.loopbackIdentityValidationMillis != null ? o.loopbackIdentityValidationMillis
        : o.allowLoopbackPaths ? 0 : io.zt4j.node.vl1.Vl1Constants.IDENTITY_VALIDATION_SOURCE_RATE_LIMIT_MILLIS;
    NodeConfig.Builder cfg = NodeConfig.builder(new BufferedSecureRandom(new SecureRandom()))
        .allowLoopbackPaths(o.allowLoopbackPaths).loopbackIdentityValidationIntervalMillis(loopbackValidation);
    o.trustedPaths.forEach(cfg::trustedPath);
    for (Object[] m : o.physicalMtus) {
      cfg.physicalPathMtu((InetAddress) m[0], (Integer) m[1]);
    }
    if (o.allowLoopbackPaths) {
      // Loopback never fragments below 64 KiB, and ZeroTier One never uses loopback paths, so
      // only zt4j peers see these larger datagrams: a 2800-byte frame goes in one datagram.
      cfg.physicalPathMtu(InetAddress.fromString("127.0.0.0/8").orElseThrow(), Vl1Constants.MAX_PHYSICAL_MTU);
      cfg.physicalPathMtu(InetAddress.fromString("::1/128").orElseThrow(), Vl1Constants.MAX_PHYSICAL_MTU);
    }
    if (o.planet != null) {
      cfg.planet(o.planet);
    }
    try {
      nodeDepth++;
      try {
        node = Node.create(cfg.build(), new Host(), now());
      } finally {
        nodeDepth--;
      }
    } catch (CorruptStateException e) {
      transport.close();
      if (home != null) {
        throw new StateDirectory.StateFileException(home.fileOf(e.type(), e.id()), e.problem());
      }
      throw e;
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /** Loop thread, second part of the start: the stack (built meanwhile), the driver, the node's first calls. */
  private void init(Options o, Stack builtStack) {
    stack = builtStack;
    driver = new StackDriver(loop, stack, o.driverOptions, false);
    enterNode();
    try {
      if (home != null) {
        for (long moon : home.list(StateObject.MOON)) {
          node.orbit(moon, null, now());
        }
      }
      for (World moon : o.moons) {
        new Host().statePut(StateObject.MOON, moon.id(), moon.serialize());
        node.orbit(moon.id(), null, now());
      }
      for (long[] orbit : o.orbits) {
        node.orbit(orbit[0], orbit[1] == 0 ? null : io.zt4j.node.identity.Address.of(orbit[1]), now());
      }
      advertiseLocalAddresses();
      // networks joined before (ZeroTier One rejoins what networks.d holds)
      if (home != null) {
        for (long nwid : home.list(StateObject.NETWORK_CONFIG)) {
          node.join(nwid, now());
        }
      }
    } finally {
      exitNode();
    }
    flush(System.nanoTime());
    nodeDeadline = now();
    loop.ioHandler((keys, nowNanos) -> {
      long ms = millis(nowNanos);
      // the datagrams of one wake-up are one input batch: TCP answers a connection's in-order
      // data with one ACK at the end instead of one per second segment
      stack.beginInputBatch();
      try {
        transport.drain(keys, (id, from, data) -> received(id, from, data, ms, nowNanos));
      } finally {
        stack.endInputBatch(nowNanos);
      }
      flush(nowNanos);
    });
    loop.addTask(this::runTasks);
    driver.inlineWork(this::runInline);
    loop.onStop(this::stopOnLoop);
    if (o.portMapping != null) {
      portMapper = new io.zt4j.runtime.portmap.PortMapper(o.portMapping, mappedPort,
          "ZeroTier/" + node.address() + "@" + mappedPort, this::mappedAddressChanged);
    }
  }

  /**
   * Gives the node the addresses to advertise in PUSH_DIRECT_PATHS, as ZeroTier One does after
   * each bind refresh: the port mapper's external address, then every bound address. Loop only.
   */
  private void advertiseLocalAddresses() {
    node.clearLocalInterfaceAddresses();
    if (mappedAddress != null) {
      node.addLocalInterfaceAddress(toNode(mappedAddress));
    }
    for (InetSocketAddress a : transport.localAddresses()) {
      if (!a.getAddress().isAnyLocalAddress()) {
        node.addLocalInterfaceAddress(toNode(a));
      }
    }
  }

  /** From the port mapper's thread: the mapped address appeared, moved or went away. */
  private void mappedAddressChanged(Optional<InetSocketAddress> external) {
    try {
      loop.execute(() -> {
        if (!closed) {
          mappedAddress = external.orElse(null);
          advertiseLocalAddresses();
        }
      });
    } catch (IllegalStateException stopped) {
      // the loop is gone: nothing to advertise any more
    }
  }

  /** Binds, loads or creates the identity, and starts the loop thread. */
  public static NodeRunner start(Options options) {
    return new NodeRunner(options);
  }

  // ------------------------------------------------------------------------------ the loop

  /** Period of the secondary-port check ({@code ZT_BINDER_REFRESH_PERIOD}). */
  static final long BIND_CHECK_MILLIS = 30_000;

  private long millis(long nanos) {
    return wallAtStart + Math.floorDiv(nanos - nanoAtStart, 1_000_000L);
  }

  private long nanosOf(long millis) {
    if (millis == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return nanoAtStart + (millis - wallAtStart) * 1_000_000L;
  }

  /** The one task: the driver's sockets and the stack's timers, then the node; one deadline. */
  private long runTasks(long nowNanos) {
    flush(nowNanos); // what commands (socket opens, pings) made the node hand out
    driver.run(nowNanos);
    flush(nowNanos);
    long ms = millis(nowNanos);
    if (ms >= nodeDeadline) {
      enterNode();
      try {
        nodeDeadline = node.processBackgroundTasks(ms);
      } finally {
        exitNode();
      }
      flush(nowNanos);
    }
    nodeDeadline = Math.min(nodeDeadline, node.nextDeadline());
    long next = Math.min(nanosOf(nodeDeadline), stack.pollAt());
    if (secondaryRandom) {
      if (ms >= nextBindCheckAt) {
        nextBindCheckAt = ms + bindCheckMillis;
        moveSecondaryPortIfOffline(ms);
      }
      next = Math.min(next, nanosOf(nextBindCheckAt));
    }
    return next;
  }

  /** ZeroTier One's "coma" workaround: a random secondary port moves after a long offline spell. */
  private void moveSecondaryPortIfOffline(long ms) {
    if (online || lastOnlineAt == 0) {
      lastOnlineAt = ms;
      return;
    }
    if (ms - lastOnlineAt <= secondaryOfflineMillis) {
      return;
    }
    lastOnlineAt = ms; // give the new port a chance before moving again
    try {
      secondaryPort = transport.rebindPort(secondaryPort, new SecureRandom()::nextInt);
    } catch (RuntimeException e) {
      return; // keep the old one
    }
    enterNode();
    try {
      advertiseLocalAddresses();
    } finally {
      exitNode();
    }
  }

  /**
   * What an application thread runs when it finds the loop asleep ({@link EventLoop#runIfIdle}):
   * the sockets it scheduled and what they make the stack and the node send, down to
   * {@code sendto} — not the node's background tasks (those stay on the loop thread). Returns
   * the same deadline {@link #runTasks} would, so the loop is woken only when it moved earlier.
   */
  private long runInline(long nowNanos) {
    if (closed) {
      return Long.MAX_VALUE;
    }
    flush(nowNanos);
    driver.run(nowNanos);
    flush(nowNanos);
    nodeDeadline = Math.min(nodeDeadline, node.nextDeadline());
    return Math.min(nanosOf(nodeDeadline), stack.pollAt());
  }

  private void received(int socketId, InetSocketAddress from, ByteBuffer data, long nowMillis, long nowNanos) {
    int n = data.remaining();
    data.get(rx, 0, n);
    enterNode();
    try {
      if (!from.equals(lastFrom)) {
        lastFrom = from;
        lastFromNode = toNode(from);
      }
      node.processWirePacket(socketId, lastFromNode, rx, 0, n, nowMillis);
    } finally {
      exitNode();
    }
    flush(nowNanos);
  }

  void enterNode() {
    nodeDepth++;
  }

  /** Leaves a node call (what it handed out waits for the next {@link #flush}). */
  void exitNode() {
    nodeDepth--;
  }

  /**
   * Applies what the node handed out (network changes, frames for the taps) and serves the
   * sockets that became ready. Called only where neither the node nor the stack is active: after
   * each datagram, after each command that called the node, and at the end of every loop
   * iteration's task run. Frames the stack answers with while a frame is fed to it go into the
   * node at once, and what that produces is appended and applied by this same loop.
   */
  void flush(long nowNanos) {
    if (nodeDepth > 0 || flushing || deferred.isEmpty()) {
      return;
    }
    flushing = true;
    try {
      for (Runnable r; (r = deferred.poll()) != null; ) {
        r.run();
      }
      if (driver != null) {
        driver.drainReadiness(nowNanos);
      }
    } finally {
      flushing = false;
    }
  }

  /** True while the loop is inside a node call (taps must then defer what would re-enter it). */
  boolean inNode() {
    return nodeDepth > 0;
  }

  void defer(Runnable r) {
    deferred.add(r);
  }

  Node node() {
    return node;
  }

  FramePool framePool() {
    return framePool;
  }

  private void stopOnLoop() {
    closed = true;
    io.zt4j.runtime.portmap.PortMapper pm = portMapper;
    if (pm != null) {
      pm.close(0); // tell it to stop (and delete the mapping) without waiting on the loop
    }
    try {
      if (driver != null) {
        driver.shutdown();
      }
      if (node != null) {
        nodeDepth++;
        node.close();
      }
    } finally {
      if (transport != null) {
        transport.close();
      }
    }
  }

  // ------------------------------------------------------------------------------ API

  /** The node's clock (ms). */
  public long now() {
    return wallAtStart + (System.nanoTime() - nanoAtStart) / 1_000_000;
  }

  /** The loop this node runs on (sockets of its stack are driven by it). */
  public EventLoop loop() {
    return loop;
  }

  /** The driver of the node's user-space stack: open sockets on the virtual networks with it. */
  public StackDriver driver() {
    return driver;
  }

  /** Bound socket addresses (socket id = index). */
  public List<InetSocketAddress> localAddresses() {
    return transport.localAddresses();
  }

  /** The secondary UDP port, or 0 if the node has none ({@link Options#secondaryPort}). */
  public int secondaryPort() {
    return secondaryPort;
  }

  /** The port mapper, when {@link Options#portMapping} is on: its external address and counters. */
  public Optional<io.zt4j.runtime.portmap.PortMapper> portMapper() {
    return Optional.ofNullable(portMapper);
  }

  /** One UDP socket of the node and its datagram counts. */
  public record SocketStats(int socketId, InetSocketAddress local, long sent, long received) {}

  /** The node's UDP sockets (socket id = index) with what each sent and received so far. */
  public List<SocketStats> socketStats() {
    return call(n -> {
      List<InetSocketAddress> locals = transport.localAddresses();
      List<SocketStats> out = new ArrayList<>();
      for (int i = 0; i < locals.size(); i++) {
        out.add(new SocketStats(i, locals.get(i), transport.sent(i), transport.received(i)));
      }
      return out;
    });
  }

  /** Our ZeroTier address (immutable, so readable from any thread). */
  public io.zt4j.node.identity.Address address() {
    return node.address();
  }

  /** Our identity without its private key. */
  public Identity identity() {
    return node.identity().withoutPrivateKey();
  }

  public boolean online() {
    return online;
  }

  /** Waits until an upstream has been heard from; false on timeout. */
  public boolean awaitOnline(Duration timeout) throws InterruptedException {
    return onlineLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last config snapshot of a joined network (any thread), as its tap applied it. */
  public Optional<VirtualNetworkConfig> network(long networkId) {
    return Optional.ofNullable(networkSnapshots.get(networkId));
  }

  /** All joined networks (any thread). */
  public List<VirtualNetworkConfig> networks() {
    return List.copyOf(networkSnapshots.values());
  }

  /** Joins a network: its tap appears at once, addresses when the controller's config arrives. */
  public void join(long networkId) {
    call(n -> {
      n.join(networkId, now());
      return null;
    });
  }

  /** Leaves a network: its tap loses its addresses and stops carrying frames. */
  public void leave(long networkId) {
    call(n -> {
      n.leave(networkId, now());
      return null;
    });
  }

  /**
   * Runs {@code f} with the node on the loop thread and returns its result (directly when called
   * on the loop thread, e.g. from the event listener).
   */
  public <T> T call(Function<Node, T> f) {
    if (loop.inLoop()) {
      return f.apply(node);
    }
    if (closed || !loop.isRunning()) {
      throw new IllegalStateException("node " + node.address() + " is stopped");
    }
    try {
      return loop.call(() -> {
        if (closed) {
          throw new IllegalStateException("node " + node.address() + " is stopped");
        }
        enterNode();
        try {
          return f.apply(node);
        } finally {
          exitNode();
          flush(System.nanoTime());
        }
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code f} with the node on the loop thread later, without waiting (never inline, even
   * on the loop thread): for callers that must not block, e.g. a listener called while holding a
   * lock the loop thread may want. The future completes when {@code f} has run, exceptionally
   * with what it threw (the loop goes on) or if the node is stopped before it ran.
   */
  public java.util.concurrent.CompletableFuture<Void> post(Consumer<Node> f) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    Runnable command = () -> {
      if (closed) {
        done.completeExceptionally(new IllegalStateException("node " + node.address() + " is stopped"));
        return;
      }
      enterNode();
      try {
        f.accept(node);
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      } finally {
        exitNode();
        flush(System.nanoTime());
      }
    };
    try {
      loop.execute(command);
    } catch (IllegalStateException e) {
      done.completeExceptionally(e);
    }
    return done;
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
    return Optional.ofNullable(loop.failure());
  }

  /** The last failure to write a state file (the node keeps running without it), if any. */
  public Optional<RuntimeException> lastStateWriteError() {
    return Optional.ofNullable(lastStateWriteError);
  }

  /**
   * Stops the loop: application sockets fail with "Socket closed", the peer cache and network
   * configs are saved, the UDP sockets closed. Idempotent.
   */
  @Override
  public void close() {
    loop.close();
    io.zt4j.runtime.portmap.PortMapper pm = portMapper;
    if (pm != null && !loop.inLoop()) {
      pm.close(); // waits (a few seconds at most) for the router to confirm the deletion
    }
  }

  /** Waits for the loop to end (after {@link #close} or a failure). */
  public void join() throws InterruptedException {
    loop.awaitStop();
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

  // ------------------------------------------------------------------------------ the host

  private void applyNetworkUpdate(long networkId, NetworkOperation op, VirtualNetworkConfig config, long nowNanos) {
    VirtualTap tap = taps.get(networkId);
    switch (op) {
      case UP, CONFIG_UPDATE -> {
        if (tap == null) {
          tap = new VirtualTap(this, networkId);
          taps.put(networkId, tap);
        }
        tap.apply(config, nowNanos);
        networkSnapshots.put(networkId, config);
      }
      case DESTROY -> {
        if (tap != null) {
          taps.remove(networkId);
          tap.destroy();
        }
        networkSnapshots.remove(networkId);
      }
      case DOWN -> {
        // the node is stopping: the tap goes with the loop
      }
    }
    networkListener.networkChanged(networkId, op, config);
  }

  /** The node's host: sockets, state, events, taps. Called only on the loop thread. */
  private final class Host implements NodeHost {
    @Override
    public boolean sendUdp(long localSocket, InetAddress remote, byte[] data, int offset, int length, int ttl) {
      // Java cannot set a unicast TTL per datagram; the low-TTL junk datagram goes out with the
      // default TTL (it still opens our NAT; the peer ignores 4-byte datagrams).
      InetSocketAddress to = javaAddresses.get(remote);
      if (to == null) {
        if (javaAddresses.size() >= 4096) {
          javaAddresses.clear();
        }
        to = toJava(remote);
        javaAddresses.put(remote, to);
      }
      return transport.send(localSocket, to, ByteBuffer.wrap(data, offset, length));
    }

    @Override
    public void deliverFrame(long networkId, MAC source, MAC destination, int etherType, int vlanId, byte[] data,
        int offset, int length) {
      VirtualTap tap = taps.get(networkId);
      if (tap == null || closed) {
        return;
      }
      byte[] frame = framePool.take(VirtualTap.ETHERNET_HEADER + length);
      int len = VirtualTap.writeEthernet(frame, destination, source, etherType, data, offset, length);
      deferred.add(() -> {
        try {
          tap.receive(frame, len, System.nanoTime());
        } finally {
          framePool.give(frame);
        }
      });
    }

    @Override
    public void onNetworkUpdate(long networkId, NetworkOperation operation, VirtualNetworkConfig config) {
      deferred.add(() -> applyNetworkUpdate(networkId, operation, config, System.nanoTime()));
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

  /**
   * Frame buffers for frames the node hands to a tap while inside a call (applied right after),
   * so the receive path does not allocate. Loop thread only.
   */
  static final class FramePool {
    private static final int KEEP = 64;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    byte[] take(int size) {
      byte[] b = free.pollFirst();
      if (b == null || b.length < size) {
        return new byte[Math.max(size, VirtualTap.ETHERNET_HEADER + io.zt4j.node.vl2.NetworkConfig.MAX_MTU)];
      }
      return b;
    }

    void give(byte[] b) {
      if (free.size() < KEEP) {
        free.addFirst(b);
      }
    }
  }
}
