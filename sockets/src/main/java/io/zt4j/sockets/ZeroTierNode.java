package io.zt4j.sockets;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.PathInfo;
import io.zt4j.node.PeerInfo;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl1.Vl1Counters;
import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.vl2.NetworkOperation;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.Parsed;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.LocalAddresses;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.runtime.StateDirectory;
import io.zt4j.runtime.driver.Errors;
import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.icmp.PingReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A ZeroTier node inside this JVM: the handle a Java application uses to join ZeroTier virtual
 * networks and talk on them with {@code java.net} sockets.
 *
 * <pre>{@code
 * try (ZeroTierNode node = ZeroTierNode.builder().storage(Path.of("zt-home")).build()) {
 *   node.start();
 *   node.join("8056c2e21c000001");
 *   ZeroTierNetwork net = node.awaitNetworkReady("8056c2e21c000001", Duration.ofSeconds(60));
 *   try (Socket s = node.socket(InetAddress.getByName("10.147.17.5"), 7)) {
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <h2>What it runs</h2>
 *
 * One loop thread per node runs the ZeroTier protocol, its UDP sockets, a user-space TCP/IP
 * stack with one virtual tap per joined network, and the sockets the application opens
 * ({@link #socket()}, {@link #serverSocket(int)}, {@link #datagramSocket(int)},
 * {@link #socketFactory()}…); a second thread delivers events when a listener is set. Several
 * nodes in one process are independent (each its own identity, port, storage and threads).
 *
 * <h2>State</h2>
 *
 * With {@link Builder#storage(Path)} the node keeps its identity, planet, peers and joined
 * networks in that directory, in ZeroTier One's layout (so a restart keeps the node ID and
 * rejoins its networks); otherwise everything lives in memory, with the identity given by
 * {@link Builder#identity(String)} or generated at start.
 *
 * <h2>Threads</h2>
 *
 * Every method may be called from any thread. Queries return immutable snapshots. A node is
 * started once; after {@link #close()} it cannot be started again (build a new one on the same
 * storage instead).
 */
public final class ZeroTierNode implements AutoCloseable {

  /** The lifecycle of a node. */
  public enum Status {
    /** Built, not started. */
    CREATED,
    /** Started; no root of the planet answers yet (or none has for a while). */
    OFFLINE,
    /** Started and a root answers: other nodes can be reached. */
    ONLINE,
    /** Stopped. */
    STOPPED
  }

  /**
   * The node's traffic counters.
   *
   * @param datagramsIn UDP datagrams received
   * @param datagramsOut UDP datagrams sent
   * @param relayed packets we relayed for others (roots)
   * @param dropped packets dropped (failed authentication, malformed, rate-limited…)
   * @param openSockets sockets open on the node's virtual networks
   */
  public record Counters(long datagramsIn, long datagramsOut, long relayed, long dropped, int openSockets) {}

  private static final AtomicInteger NODES = new AtomicInteger();

  private final Builder config;
  private final Object lock = new Object();
  private final ExecutorService events;
  // guarded by lock
  private Status status = Status.CREATED;
  private final Map<Long, ZeroTierNetwork> networks = new LinkedHashMap<>();
  /** Networks whose current ACCESS_DENIED / NOT_FOUND an awaitNetworkReady has already thrown. */
  private final java.util.Set<Long> refusalReported = new java.util.HashSet<>();
  private String nodeId;
  private boolean downReported;
  private volatile NodeRunner runner;
  private volatile ZeroTierSelectorProvider nio;
  private volatile Thread eventThread;

  private ZeroTierNode(Builder b) {
    this.config = b.copy();
    int n = NODES.incrementAndGet();
    if (config.name == null) {
      config.name = "zt4j-node-" + n;
    }
    if (config.listener != null) {
      String threadName = config.name + "-events";
      events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        eventThread = t;
        return t;
      });
    } else {
      events = null;
    }
  }

  /** A builder with the defaults: in-memory state, port 9993 on every interface address, ZeroTier's planet. */
  public static Builder builder() {
    return new Builder();
  }

  /** Generates a new ZeroTier identity (takes a moment) in its secret string form, for {@link Builder#identity}. */
  public static String generateIdentity() {
    return Identity.generate(new SecureRandom()).toString(true);
  }

  /**
   * Builds a {@link ZeroTierNode}. All settings are optional; the same builder may build
   * several nodes (with different settings in between).
   */
  public static final class Builder {
    private Path storage;
    private String identity;
    private Integer port;
    private final List<InetSocketAddress> bind = new ArrayList<>();
    private boolean loopbackOnly;
    private Integer secondaryPort;
    private boolean portMapping;
    private InetSocketAddress natPmpGateway;
    private InetSocketAddress ssdpTarget;
    private Path planetFile;
    private byte[] planetBytes;
    private World planet;
    private Consumer<ZeroTierEvent> listener;
    private String name;
    private final List<long[]> orbits = new ArrayList<>();
    private final List<Object> moons = new ArrayList<>(); // Path, byte[] or World

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.storage = storage;
      b.identity = identity;
      b.port = port;
      b.bind.addAll(bind);
      b.loopbackOnly = loopbackOnly;
      b.secondaryPort = secondaryPort;
      b.portMapping = portMapping;
      b.natPmpGateway = natPmpGateway;
      b.ssdpTarget = ssdpTarget;
      b.planetFile = planetFile;
      b.planetBytes = planetBytes;
      b.planet = planet;
      b.listener = listener;
      b.name = name;
      b.orbits.addAll(orbits);
      b.moons.addAll(moons);
      return b;
    }

    /**
     * Keep the node's state in this directory (created if missing; ZeroTier One's layout:
     * {@code identity.secret}, {@code planet}, {@code peers.d/}, {@code networks.d/}…). An
     * identity is generated there on first start.
     */
    public Builder storage(Path directory) {
      this.storage = Objects.requireNonNull(directory);
      return this;
    }

    /**
     * Keep state in memory and use this identity (ZeroTier's secret form,
     * {@code address:0:public:private}, e.g. from {@link ZeroTierNode#generateIdentity()} or a
     * ZeroTier One {@code identity.secret}). Not with {@link #storage}.
     *
     * @throws IllegalArgumentException if it is not a valid identity with its private key
     */
    public Builder identity(String secretIdentity) {
      Identity id = Identity.fromString(secretIdentity.strip()).filter(Identity::hasPrivateKey)
          .orElseThrow(() -> new IllegalArgumentException("not a secret ZeroTier identity (address:0:public:private)"));
      if (!id.privateKeyMatches()) {
        throw new IllegalArgumentException("identity " + id.address() + ": private key does not match the public key");
      }
      this.identity = secretIdentity.strip();
      return this;
    }

    /**
     * The UDP port (default 9993; 0 picks a free one) for the default bind addresses (every
     * address of every interface that is up, or 127.0.0.1 with {@link #loopbackOnly}). With
     * {@link #storage}, keep the port fixed: a node restarted on another port at the same IP is
     * reached again only once peers give up its old path (ZeroTier's 19 s path timeout).
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Bind UDP to this address (repeatable; port 0 = the port of the first one, or a free one).
     * Only these addresses are used and advertised to peers as direct paths.
     */
    public Builder bind(InetSocketAddress address) {
      this.bind.add(Objects.requireNonNull(address));
      return this;
    }

    /**
     * Also listen on a secondary UDP port, on the same addresses as the primary one (ZeroTier
     * One's {@code secondaryPort} setting: it helps with NATs that misbehave when two hosts behind
     * them use the same internal port). {@code 0} picks a random free port in 20000–65499 as
     * ZeroTier One 1.14 does, and moves it to another one when the node stays offline for 2
     * minutes (ZeroTier One's workaround for routers that start blocking a port); any other
     * value is that port, kept. Off unless called (ZeroTier One's
     * service has one by default; an embedded node should not open ports the app did not ask
     * for). Peers that reach the node on it are answered from it; its addresses are advertised to
     * peers as direct paths like the primary's.
     */
    public Builder secondaryPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("secondary port out of range: " + port);
      }
      this.secondaryPort = port;
      return this;
    }

    /**
     * Ask the LAN's router to forward a UDP port to this node, like ZeroTier One's
     * {@code portMappingEnabled}: NAT-PMP (RFC 6886) first, then UPnP IGD. A third UDP port is
     * bound on the node's addresses and mapped; the router's external address and port are
     * advertised to peers as a direct path ({@link ZeroTierNode#mappedAddress()}). Runs on its
     * own thread, never delays the node; failures are logged once. The mapping is renewed at half
     * its lifetime and deleted when the node stops. Off by default: without it nothing is ever
     * sent to a router.
     */
    public Builder portMapping(boolean enabled) {
      this.portMapping = enabled;
      return this;
    }

    /**
     * Where port mapping looks for the router (only used with {@link #portMapping(boolean)
     * portMapping(true)}): the NAT-PMP server (default: the IPv4 default gateway from
     * {@code /proc/net/route}, port 5351) and the SSDP search target (default
     * 239.255.255.250:1900). For networks where those are elsewhere, and for tests.
     */
    public Builder portMappingRouter(InetSocketAddress natPmpServer, InetSocketAddress ssdpTarget) {
      this.natPmpGateway = Objects.requireNonNull(natPmpServer);
      this.ssdpTarget = Objects.requireNonNull(ssdpTarget);
      return this;
    }

    /**
     * Bind only 127.0.0.1 and allow loopback paths between nodes: for private planets whose
     * roots and nodes all run on this machine (tests, demos). ZeroTier One never uses loopback
     * paths, so such a node cannot talk to ZeroTier One nodes.
     */
    public Builder loopbackOnly() {
      this.loopbackOnly = true;
      return this;
    }

    /** Use this planet file (ZeroTier's binary {@code planet}, e.g. from {@code zt4j idtool mkworld}). */
    public Builder planet(Path planetFile) {
      this.planetFile = Objects.requireNonNull(planetFile);
      this.planetBytes = null;
      this.planet = null;
      return this;
    }

    /** Use this planet (the bytes of a ZeroTier {@code planet} file). */
    public Builder planet(byte[] planet) {
      this.planetBytes = planet.clone();
      this.planetFile = null;
      this.planet = null;
      return this;
    }

    /** Use this planet. */
    public Builder planet(World planet) {
      if (planet.type() != World.Type.PLANET) {
        throw new IllegalArgumentException("world " + planet.id() + " is a moon, not a planet");
      }
      this.planet = planet;
      this.planetFile = null;
      this.planetBytes = null;
      return this;
    }

    /**
     * Orbit moon {@code worldId} (16 hex digits), fetching its definition from {@code seed} (the
     * 10-hex-digit address of one of its roots), like {@code zerotier-cli orbit <world> <seed>}.
     * The seed is found through the planet's roots; once the moon is known (it is kept in the
     * storage directory's {@code moons.d}), its roots serve the node like the planet's. Repeatable.
     *
     * @throws IllegalArgumentException if an argument is not hex of the right length
     */
    public Builder orbit(String worldId, String seed) {
      orbits.add(new long[] {parseWorldId(worldId), parseAddress(seed)});
      return this;
    }

    /** {@link #orbit(String, String)} with numbers ({@code seed} 0: the moon is stored already). */
    public Builder orbit(long worldId, long seed) {
      orbits.add(new long[] {worldId, seed});
      return this;
    }

    /**
     * Orbit the moon defined in this file (a signed {@code <world-id>.moon}, e.g. from
     * {@code zt4j idtool genmoon}): its roots are reached at their stable endpoints directly, with
     * no planet root involved. Repeatable.
     */
    public Builder moon(Path moonFile) {
      moons.add(Objects.requireNonNull(moonFile));
      return this;
    }

    /** Orbit this moon (the bytes of a {@code .moon} file); see {@link #moon(Path)}. */
    public Builder moon(byte[] moon) {
      moons.add(moon.clone());
      return this;
    }

    /** Orbit this moon; see {@link #moon(Path)}. */
    public Builder moon(World moon) {
      if (moon.type() != World.Type.MOON) {
        throw new IllegalArgumentException("world " + Long.toHexString(moon.id()) + " is a planet, not a moon");
      }
      moons.add(moon);
      return this;
    }

    /** Receives the node's {@link ZeroTierEvent}s, in order, on the node's event thread. */
    public Builder listener(Consumer<ZeroTierEvent> listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /** Names the node's threads (default {@code zt4j-node-N}). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    /** A node with these settings, not started yet. */
    public ZeroTierNode build() {
      if (storage != null && identity != null) {
        throw new IllegalStateException("give either a storage directory or an in-memory identity, not both");
      }
      return new ZeroTierNode(this);
    }
  }

  // ------------------------------------------------------------------------------ lifecycle

  /**
   * Starts the node: loads (or generates) its identity, binds its UDP sockets and starts its
   * loop. Returns without waiting for a root; see {@link #awaitOnline}.
   *
   * @throws ZeroTierStateException if a state file (identity, planet) cannot be used; it names the file
   * @throws java.net.BindException if the UDP port cannot be bound
   * @throws IOException if the storage directory cannot be used
   * @throws IllegalStateException if the node was started before
   */
  public ZeroTierNode start() throws IOException {
    synchronized (lock) {
      if (status != Status.CREATED) {
        throw new IllegalStateException("node " + config.name + " was already started");
      }
      status = Status.OFFLINE;
    }
    NodeRunner.Options o = new NodeRunner.Options().name(config.name).listener(this::onNodeEvent)
        .networkListener(this::onNetwork);
    try {
      if (config.storage != null) {
        try {
          Files.createDirectories(config.storage);
        } catch (IOException e) {
          throw new IOException("cannot create the storage directory " + config.storage + ": " + e.getMessage(), e);
        }
        o.home(StateDirectory.open(config.storage));
      } else if (config.identity != null) {
        o.identity(Identity.fromString(config.identity).orElseThrow());
      }
      World planet = planet();
      if (planet != null) {
        o.planet(planet);
      }
      for (Object m : config.moons) {
        o.moon(moon(m));
      }
      for (long[] orbit : config.orbits) {
        o.orbit(orbit[0], orbit[1]);
      }
      List<InetSocketAddress> addrs = bindAddresses();
      addrs.forEach(o::bind);
      if (config.secondaryPort != null) {
        o.secondaryPort(config.secondaryPort);
      }
      if (config.portMapping) {
        io.zt4j.runtime.portmap.PortMapper.Config pm = io.zt4j.runtime.portmap.PortMapper.Config.defaults();
        if (config.natPmpGateway != null) {
          pm = pm.withNatPmpGateway(config.natPmpGateway).withSsdpTarget(config.ssdpTarget);
        }
        o.portMapping(pm);
      }
      o.allowLoopbackPaths(config.loopbackOnly || addrs.stream().allMatch(a -> a.getAddress().isLoopbackAddress()));
      runner = NodeRunner.start(o);
    } catch (StateDirectory.StateFileException e) {
      fail();
      throw new ZeroTierStateException(e.file(), e.getMessage(), e);
    } catch (UncheckedIOException e) {
      fail();
      IOException cause = e.getCause();
      if (cause.getCause() instanceof java.net.BindException b) {
        java.net.BindException be = new java.net.BindException(cause.getMessage());
        be.initCause(b);
        throw be;
      }
      throw cause;
    } catch (IOException | RuntimeException e) {
      fail();
      throw e;
    }
    synchronized (lock) {
      nodeId = runner.address().toString();
      if (runner.online() && status == Status.OFFLINE) {
        status = Status.ONLINE;
      }
    }
    return this;
  }

  private void fail() {
    synchronized (lock) {
      status = Status.STOPPED;
      lock.notifyAll();
    }
    if (events != null) {
      events.shutdown();
    }
  }

  private World planet() throws IOException {
    if (config.planet != null) {
      return config.planet;
    }
    byte[] b = config.planetBytes;
    String source = "the planet given";
    if (config.planetFile != null) {
      try {
        b = Files.readAllBytes(config.planetFile);
      } catch (IOException e) {
        throw new IOException("cannot read the planet file " + config.planetFile + ": " + e.getMessage(), e);
      }
      source = config.planetFile.toString();
    }
    if (b == null) {
      return null;
    }
    Parsed<World> w = World.parse(b);
    if (!w.isOk() || w.value().type() != World.Type.PLANET) {
      String why = source + ": not a ZeroTier planet" + (w.isOk() ? " (a moon)" : " (" + w.reason() + ")");
      if (config.planetFile != null) {
        throw new ZeroTierStateException(config.planetFile, why, null);
      }
      throw new IllegalArgumentException(why);
    }
    return w.value();
  }

  private static World moon(Object m) throws IOException {
    if (m instanceof World w) {
      return w;
    }
    byte[] b;
    String source = "the moon given";
    Path file = null;
    if (m instanceof Path p) {
      file = p;
      try {
        b = Files.readAllBytes(p);
      } catch (IOException e) {
        throw new IOException("cannot read the moon file " + p + ": " + e.getMessage(), e);
      }
      source = p.toString();
    } else {
      b = (byte[]) m;
    }
    Parsed<World> w = World.parse(b);
    if (!w.isOk() || w.value().type() != World.Type.MOON) {
      String why = source + ": not a ZeroTier moon" + (w.isOk() ? " (a planet)" : " (" + w.reason() + ")");
      if (file != null) {
        throw new ZeroTierStateException(file, why, null);
      }
      throw new IllegalArgumentException(why);
    }
    return w.value();
  }

  private static long parseWorldId(String worldId) {
    if (worldId == null || !worldId.strip().matches("[0-9a-fA-F]{16}")) {
      throw new IllegalArgumentException("not a ZeroTier world ID (16 hex digits): '" + worldId + "'");
    }
    return Long.parseUnsignedLong(worldId.strip(), 16);
  }

  private static long parseAddress(String address) {
    if (address == null) {
      throw new IllegalArgumentException("not a ZeroTier address (10 hex digits): null");
    }
    String a = address.strip();
    if (!a.matches("[0-9a-fA-F]{10}")) {
      throw new IllegalArgumentException("not a ZeroTier address (10 hex digits): '" + address + "'");
    }
    return Long.parseLong(a, 16);
  }

  private List<InetSocketAddress> bindAddresses() throws IOException {
    if (!config.bind.isEmpty()) {
      return config.bind;
    }
    int port = config.port != null ? config.port : 9993;
    if (config.loopbackOnly) {
      return List.of(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
    }
    List<InetSocketAddress> all = LocalAddresses.all(port);
    if (all.isEmpty()) {
      throw new IOException("no usable network interface address to bind (use bind(...) or loopbackOnly())");
    }
    return all;
  }

  /** Stops the node (same as {@link #close()}). */
  public void stop() {
    close();
  }

  /**
   * Stops the node: its sockets fail with "Socket closed", its state (peers, network configs)
   * is saved, its UDP sockets closed, and a last {@link ZeroTierEvent.NodeDown} is delivered:
   * when it returns, the listener has seen every event (unless it is called from the listener
   * itself, or the listener takes more than 10 s). Idempotent.
   */
  @Override
  public void close() {
    NodeRunner r = runner;
    synchronized (lock) {
      if (status == Status.STOPPED) {
        return;
      }
      status = Status.STOPPED;
      lock.notifyAll();
    }
    if (r != null) {
      r.close();
      reportDown();
    }
    if (events != null) {
      events.shutdown();
      if (Thread.currentThread() != eventThread) {
        try {
          events.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void reportDown() {
    synchronized (lock) {
      if (downReported || nodeId == null) {
        return;
      }
      downReported = true;
    }
    emit(new ZeroTierEvent.NodeDown(nodeId));
  }

  // ------------------------------------------------------------------------------ queries

  /** The node's 10-hex-digit ZeroTier address. */
  public String nodeId() {
    return started().address().toString();
  }

  /** The node's identity in its public string form ({@code address:0:public}). */
  public String identity() {
    return started().identity().toString(false);
  }

  /** Where the node stands. */
  public Status status() {
    synchronized (lock) {
      return status;
    }
  }

  /** Whether a root answers. */
  public boolean isOnline() {
    return status() == Status.ONLINE;
  }

  /** The ID of the planet the node uses. */
  public long planetId() {
    return started().status().planetId();
  }

  /** The UDP addresses the node is bound to. */
  public List<InetSocketAddress> localAddresses() {
    return started().localAddresses();
  }

  /**
   * The address and port the router forwards to this node, while port mapping
   * ({@link Builder#portMapping(boolean)}) holds a mapping; it is advertised to peers.
   */
  public Optional<InetSocketAddress> mappedAddress() {
    return started().portMapper().flatMap(io.zt4j.runtime.portmap.PortMapper::external);
  }

  /** The peers the node knows, with their paths. */
  public List<ZeroTierPeer> peers() {
    List<ZeroTierPeer> out = new ArrayList<>();
    for (PeerInfo p : started().peers()) {
      List<ZeroTierPeer.Path> paths = new ArrayList<>();
      for (PathInfo pi : p.paths()) {
        paths.add(new ZeroTierPeer.Path(socketAddress(pi.address()), pi.lastSendAt(), pi.lastReceiveAt(),
            pi.alive(), pi.preferred()));
      }
      out.add(new ZeroTierPeer(p.address().toString(), ZeroTierPeer.Role.valueOf(p.role().name()), p.version(),
          p.latencyMillis(), paths));
    }
    return out;
  }

  /** The node's traffic counters. */
  public Counters counters() {
    NodeRunner r = started();
    Vl1Counters.Snapshot c = r.call(n -> n.counters());
    return new Counters(c.datagramsIn(), c.datagramsOut(), c.relayed(), c.totalDrops(), r.driver().openSockets());
  }

  /** The networks joined, as last configured. */
  public List<ZeroTierNetwork> networks() {
    synchronized (lock) {
      return List.copyOf(networks.values());
    }
  }

  /** A joined network, as last configured; empty if not joined. */
  public Optional<ZeroTierNetwork> network(long networkId) {
    synchronized (lock) {
      return Optional.ofNullable(networks.get(networkId));
    }
  }

  /** Our IP addresses on a joined network (none until it is configured). */
  public List<InetAddress> addresses(long networkId) {
    return network(networkId).map(n -> n.addresses().stream().map(ZeroTierNetwork.AssignedAddress::address).toList())
        .orElse(List.of());
  }

  // ------------------------------------------------------------------------------ networks

  /**
   * Parses a network ID as ZeroTier writes it (16 hex digits).
   *
   * @throws IllegalArgumentException naming the text if it is not 16 hex digits
   */
  public static long parseNetworkId(String networkId) {
    if (networkId == null || !networkId.strip().matches("[0-9a-fA-F]{16}")) {
      throw new IllegalArgumentException("not a ZeroTier network ID (16 hex digits): '" + networkId + "'");
    }
    return Long.parseUnsignedLong(networkId.strip(), 16);
  }

  /** Joins a network given as 16 hex digits. See {@link #join(long)}. */
  public void join(String networkId) {
    join(parseNetworkId(networkId));
  }

  /**
   * Joins a network: asks its controller for a config (the network appears in
   * {@link #networks()} at once, with status {@code REQUESTING_CONFIGURATION}). With storage, the
   * membership is remembered across restarts until {@link #leave}.
   */
  public void join(long networkId) {
    NodeRunner r = started();
    r.join(networkId);
  }

  /** Leaves a network given as 16 hex digits. */
  public void leave(String networkId) {
    leave(parseNetworkId(networkId));
  }

  /** Leaves a network: its addresses go away, its sockets stop carrying traffic. */
  public void leave(long networkId) {
    started().leave(networkId);
  }

  /**
   * Waits until a root answers.
   *
   * @throws TimeoutException if none did within {@code timeout} (the message names the planet's roots)
   * @throws IllegalStateException if the node is not running
   */
  public void awaitOnline(Duration timeout) throws InterruptedException, TimeoutException {
    NodeRunner r = started();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (status != Status.ONLINE) {
        checkRunning();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("node " + nodeId + " not online after " + timeout.toMillis()
              + " ms: no root of planet " + Long.toUnsignedString(r.status().planetId()) + " answered "
              + roots(r));
        }
        waitNanos(left);
      }
    }
  }

  private static String roots(NodeRunner r) {
    World p = r.call(n -> n.planet());
    List<String> out = new ArrayList<>();
    for (World.Root root : p.roots()) {
      out.add(root.identity().address() + " at " + root.stableEndpoints());
    }
    return out.toString();
  }

  /**
   * Waits until a joined network is ready: the controller's config arrived, an address is
   * assigned and the virtual tap is up, so sockets on the network's addresses work.
   *
   * @return the network as configured
   * @throws ZeroTierNetworkException if the controller refused the node (private network, not
   *     authorized) or does not have the network; the message says which and what to do. Each
   *     refusal is thrown once: a later call waits for the controller to change its mind (a
   *     member authorized later gets its config pushed without joining again).
   * @throws TimeoutException if it is not ready within {@code timeout}; the message says where it stands
   * @throws IllegalStateException if the network is not joined or the node is not running
   */
  public ZeroTierNetwork awaitNetworkReady(long networkId, Duration timeout)
      throws InterruptedException, TimeoutException, ZeroTierNetworkException {
    started();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        checkRunning();
        ZeroTierNetwork n = networks.get(networkId);
        if (n == null) {
          throw new IllegalStateException("network " + hex(networkId) + " is not joined (call join first)");
        }
        if (n.ready()) {
          return n;
        }
        boolean refused = n.status() == ZeroTierNetwork.Status.ACCESS_DENIED
            || n.status() == ZeroTierNetwork.Status.NOT_FOUND;
        if (refused && !refusalReported.add(networkId)) {
          refused = false; // told before: wait for the controller to change its mind
        }
        if (refused && n.status() == ZeroTierNetwork.Status.ACCESS_DENIED) {
          throw new ZeroTierNetworkException(networkId, n.status(), "access denied to network " + hex(networkId)
              + ": it is private and its controller " + controllerOf(networkId) + " has not authorized node " + nodeId
              + " (once authorized, the controller sends the config and awaitNetworkReady can be called again)");
        }
        if (refused && n.status() == ZeroTierNetwork.Status.NOT_FOUND) {
          throw new ZeroTierNetworkException(networkId, n.status(), "network " + hex(networkId)
              + " not found: its controller " + controllerOf(networkId) + " does not have it (wrong network ID?)");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          String where = n.status() == ZeroTierNetwork.Status.OK
              ? "configured but no address assigned (does the network assign IPv4 from a pool, or RFC 4193/6PLANE?)"
              : n.status() == ZeroTierNetwork.Status.ACCESS_DENIED ? "still access denied: controller "
                  + controllerOf(networkId) + " has not authorized node " + nodeId
              : n.status() == ZeroTierNetwork.Status.NOT_FOUND ? "still not found by controller " + controllerOf(networkId)
              : "status " + n.status() + (n.status() == ZeroTierNetwork.Status.REQUESTING_CONFIGURATION
                  ? " (controller " + controllerOf(networkId) + " has not answered" + (status == Status.ONLINE ? ")"
                      : "; the node is not online)") : "");
          throw new TimeoutException("network " + hex(networkId) + " not ready after " + timeout.toMillis() + " ms: "
              + where);
        }
        waitNanos(left);
      }
    }
  }

  /** {@link #awaitNetworkReady(long, Duration)} with the network ID as 16 hex digits. */
  public ZeroTierNetwork awaitNetworkReady(String networkId, Duration timeout)
      throws InterruptedException, TimeoutException, ZeroTierNetworkException {
    return awaitNetworkReady(parseNetworkId(networkId), timeout);
  }

  private void checkRunning() {
    if (status == Status.STOPPED) {
      throw new IllegalStateException("node " + (nodeId == null ? config.name : nodeId) + " is stopped");
    }
  }

  private void waitNanos(long nanos) throws InterruptedException {
    long ms = Math.max(1, nanos / 1_000_000);
    lock.wait(Math.min(ms, 1000));
  }

  private static String hex(long networkId) {
    return String.format("%016x", networkId);
  }

  private static String controllerOf(long networkId) {
    return String.format("%010x", networkId >>> 24);
  }

  // ------------------------------------------------------------------------------ moons

  /**
   * Orbits moon {@code worldId} (16 hex digits) now, fetching its definition from {@code seed}
   * (the address of one of its roots), like {@code zerotier-cli orbit}; see
   * {@link Builder#orbit(String, String)}. Returns at once; {@link #moons()} lists the moon once
   * its definition arrived.
   */
  public void orbit(String worldId, String seed) {
    orbit(parseWorldId(worldId), parseAddress(seed));
  }

  /** {@link #orbit(String, String)} with numbers ({@code seed} 0: the moon is stored already). */
  public void orbit(long worldId, long seed) {
    NodeRunner r = started();
    r.call(n -> {
      n.orbit(worldId, seed == 0 ? null : io.zt4j.node.identity.Address.of(seed), r.now());
      return null;
    });
  }

  /** Stops orbiting moon {@code worldId} and forgets its definition, like {@code zerotier-cli deorbit}. */
  public void deorbit(String worldId) {
    deorbit(parseWorldId(worldId));
  }

  /** {@link #deorbit(String)} with a number. */
  public void deorbit(long worldId) {
    NodeRunner r = started();
    r.call(n -> {
      n.deorbit(worldId, r.now());
      return null;
    });
  }

  /** The moons this node orbits (those whose definition it has). */
  public List<ZeroTierMoon> moons() {
    return started().call(n -> n.moons()).stream()
        .map(w -> new ZeroTierMoon(w.id(), w.timestamp(),
            w.roots().stream().map(root -> root.identity().address().toString()).toList()))
        .toList();
  }

  // ------------------------------------------------------------------------------ sockets

  /** An unconnected TCP socket on this node's virtual networks. */
  public ZeroTierSocket socket() throws IOException {
    return new ZeroTierSocket(this);
  }

  /** A TCP socket connected to {@code address:port} on a virtual network. */
  public ZeroTierSocket socket(InetAddress address, int port) throws IOException {
    return new ZeroTierSocket(this, address, port);
  }

  /** A TCP server socket listening on {@code port} (0: a free one) on all of this node's virtual networks. */
  public ZeroTierServerSocket serverSocket(int port) throws IOException {
    return new ZeroTierServerSocket(this, port);
  }

  /** A UDP socket bound to {@code port} (0: a free one) on all of this node's virtual networks. */
  public ZeroTierDatagramSocket datagramSocket(int port) throws IOException {
    return new ZeroTierDatagramSocket(this, port);
  }

  /**
   * The {@code java.nio} provider of this node's virtual networks: its selectors and
   * {@code SocketChannel}/{@code ServerSocketChannel}/{@code DatagramChannel}s work on the
   * virtual networks (see {@link ZeroTierSelectorProvider}). The same provider for the life of a
   * started node; a restarted node has a new one.
   */
  public ZeroTierSelectorProvider selectorProvider() {
    StackDriver d = driver();
    ZeroTierSelectorProvider p = nio;
    if (p == null || p.driver() != d) {
      synchronized (this) {
        p = nio;
        if (p == null || p.driver() != d) {
          p = nio = new ZeroTierSelectorProvider(d);
        }
      }
    }
    return p;
  }

  /** A socket factory for libraries that take one (JDBC drivers, HTTP and mail clients, SSH…). */
  public ZeroTierSocketFactory socketFactory() {
    return new ZeroTierSocketFactory(this);
  }

  /** A server socket factory for servers that take one. */
  public ZeroTierServerSocketFactory serverSocketFactory() {
    return new ZeroTierServerSocketFactory(this);
  }

  /**
   * Sends one ICMP (IPv4) or ICMPv6 echo request over the virtual network and waits for the reply.
   *
   * @return the round-trip time
   * @throws SocketTimeoutException if no reply came within {@code timeout}
   * @throws java.net.NoRouteToHostException if the address is on none of our networks, or unreachable
   */
  public Duration ping(InetAddress address, Duration timeout) throws IOException {
    PingReply r = driver().ping(address, 56, Math.max(1, timeout.toMillis()));
    if (r.ok()) {
      return Duration.ofNanos(r.rttNanos());
    }
    if (r.error() == SocketError.TIMED_OUT) {
      throw new SocketTimeoutException("Ping to " + address.getHostAddress() + " timed out after "
          + timeout.toMillis() + " ms");
    }
    throw Errors.socket(r.error().code());
  }

  /** The driver of this node's user-space stack (for the socket classes). */
  StackDriver driver() {
    return started().driver();
  }

  private NodeRunner started() {
    NodeRunner r = runner;
    if (r == null) {
      throw new IllegalStateException("node " + config.name + " is not started (call start())");
    }
    return r;
  }

  // ------------------------------------------------------------------------------ events (loop thread)

  private void emit(ZeroTierEvent e) {
    if (events == null) {
      return;
    }
    Consumer<ZeroTierEvent> l = config.listener;
    try {
      events.execute(() -> l.accept(e));
    } catch (RejectedExecutionException ignored) {
      // stopped: no more events
    }
  }

  private void onNodeEvent(NodeEvent e) {
    if (e instanceof NodeEvent.Up up) {
      synchronized (lock) {
        nodeId = up.address().toString();
      }
      emit(new ZeroTierEvent.NodeUp(up.address().toString()));
    } else if (e instanceof NodeEvent.Online) {
      setStatus(Status.ONLINE);
      emit(new ZeroTierEvent.NodeOnline(nodeId));
    } else if (e instanceof NodeEvent.Offline) {
      setStatus(Status.OFFLINE);
      emit(new ZeroTierEvent.NodeOffline(nodeId));
    } else if (e instanceof NodeEvent.Down) {
      reportDown();
    } else if (e instanceof NodeEvent.PeerDirect d) {
      emit(new ZeroTierEvent.PeerDirect(d.peer().toString(), socketAddress(d.path())));
    } else if (e instanceof NodeEvent.PeerRelayed r) {
      emit(new ZeroTierEvent.PeerRelayed(r.peer().toString()));
    }
  }

  private void setStatus(Status s) {
    synchronized (lock) {
      if (status != Status.STOPPED && status != Status.CREATED) {
        status = s;
      }
      lock.notifyAll();
    }
  }

  private void onNetwork(long networkId, NetworkOperation op, VirtualNetworkConfig c) {
    if (op == NetworkOperation.DOWN) {
      return;
    }
    List<ZeroTierEvent> out = new ArrayList<>();
    synchronized (lock) {
      ZeroTierNetwork old = networks.get(networkId);
      if (op == NetworkOperation.DESTROY || old == null
          || old.status() != ZeroTierNetwork.Status.valueOf(c.status().name())) {
        refusalReported.remove(networkId);
      }
      if (op == NetworkOperation.DESTROY) {
        if (networks.remove(networkId) != null) {
          for (ZeroTierNetwork.AssignedAddress a : old.addresses()) {
            out.add(new ZeroTierEvent.AddressRemoved(networkId, a));
          }
          out.add(new ZeroTierEvent.NetworkLeft(networkId));
        }
      } else {
        ZeroTierNetwork now = snapshot(c);
        networks.put(networkId, now);
        List<ZeroTierNetwork.AssignedAddress> before = old == null ? List.of() : old.addresses();
        for (ZeroTierNetwork.AssignedAddress a : before) {
          if (!now.addresses().contains(a)) {
            out.add(new ZeroTierEvent.AddressRemoved(networkId, a));
          }
        }
        for (ZeroTierNetwork.AssignedAddress a : now.addresses()) {
          if (!before.contains(a)) {
            out.add(new ZeroTierEvent.AddressAdded(networkId, a));
          }
        }
        ZeroTierNetwork.Status was = old == null ? null : old.status();
        if (now.ready() && (old == null || !old.ready())) {
          out.add(new ZeroTierEvent.NetworkReady(now));
        } else if (now.status() == ZeroTierNetwork.Status.ACCESS_DENIED && was != now.status()) {
          out.add(new ZeroTierEvent.NetworkDenied(now));
        } else if (now.status() == ZeroTierNetwork.Status.NOT_FOUND && was != now.status()) {
          out.add(new ZeroTierEvent.NetworkNotFound(now));
        } else if (old != null && !old.equals(now)) {
          out.add(new ZeroTierEvent.NetworkUpdated(now));
        }
      }
      lock.notifyAll();
    }
    out.forEach(this::emit);
  }

  static ZeroTierNetwork snapshot(VirtualNetworkConfig c) {
    List<ZeroTierNetwork.AssignedAddress> addrs = new ArrayList<>();
    for (io.zt4j.node.wire.InetAddress a : c.assignedAddresses()) {
      if (!a.isV4() && !a.isV6()) {
        continue;
      }
      int max = a.isV4() ? 32 : 128;
      int bits = a.port() <= 0 || a.port() > max ? max : a.port();
      addrs.add(new ZeroTierNetwork.AssignedAddress(javaAddress(a.ip()), bits, kind(c.networkId(), a)));
    }
    addrs.sort(java.util.Comparator.comparing(ZeroTierNetwork.AssignedAddress::kind)); // IPv4 first
    List<ZeroTierNetwork.Route> routes = new ArrayList<>();
    for (NetworkConfig.Route r : c.routes()) {
      if (!r.target().isV4() && !r.target().isV6()) {
        continue;
      }
      InetAddress via = r.via().isNil() ? null : javaAddress(r.via().ip());
      routes.add(new ZeroTierNetwork.Route(javaAddress(r.target().ip()), r.target().port(), via, r.metric()));
    }
    ZeroTierNetwork.Status status = ZeroTierNetwork.Status.valueOf(c.status().name());
    boolean ready = c.status() == NetworkStatus.OK && !addrs.isEmpty();
    return new ZeroTierNetwork(c.networkId(), c.name(), status, c.mac().toString(), c.mtu(), c.isPrivate(),
        c.broadcastEnabled(), addrs, routes, ready);
  }

  /** RFC 4193: fd + network ID + 99 93 + node; 6PLANE: fc + (ID high ^ ID low) + node. */
  private static ZeroTierNetwork.AddressKind kind(long nwid, io.zt4j.node.wire.InetAddress a) {
    if (a.isV4()) {
      return ZeroTierNetwork.AddressKind.IPV4;
    }
    byte[] ip = a.ip();
    if ((ip[0] & 0xFF) == 0xfd && (ip[9] & 0xFF) == 0x99 && (ip[10] & 0xFF) == 0x93) {
      long id = 0;
      for (int i = 1; i <= 8; i++) {
        id = (id << 8) | (ip[i] & 0xFF);
      }
      if (id == nwid) {
        return ZeroTierNetwork.AddressKind.RFC4193;
      }
    }
    if ((ip[0] & 0xFF) == 0xfc) {
      int folded = (int) (nwid >>> 32) ^ (int) nwid;
      int got = ((ip[1] & 0xFF) << 24) | ((ip[2] & 0xFF) << 16) | ((ip[3] & 0xFF) << 8) | (ip[4] & 0xFF);
      if (got == folded) {
        return ZeroTierNetwork.AddressKind.SIXPLANE;
      }
    }
    return ZeroTierNetwork.AddressKind.IPV6;
  }

  private static InetAddress javaAddress(byte[] ip) {
    try {
      return InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static InetSocketAddress socketAddress(io.zt4j.node.wire.InetAddress a) {
    if (!a.isV4() && !a.isV6()) {
      return null;
    }
    return new InetSocketAddress(javaAddress(a.ip()), a.port());
  }

  @Override
  public String toString() {
    NodeRunner r = runner;
    return "ZeroTierNode[" + (r == null ? config.name : r.address().toString()) + " " + status() + "]";
  }
}
