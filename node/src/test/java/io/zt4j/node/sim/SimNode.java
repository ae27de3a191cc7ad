package io.zt4j.node.sim;

import io.zt4j.node.Node;
import io.zt4j.node.NodeConfig;
import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeHost;
import io.zt4j.node.PeerInfo;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkOperation;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimHost;
import io.zt4j.testkit.simnet.SimNetwork;
import io.zt4j.testkit.simnet.SimSocket;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A {@link Node} living on a simulated host: its host callbacks send through a {@link SimSocket},
 * its state lives in a map, its background deadline is an event in the {@link SimNetwork}. All in
 * virtual time, deterministic for a given seed.
 */
public final class SimNode implements NodeHost {
  /** Virtual time 0 maps to this node clock value (a plausible epoch time). */
  public static final long EPOCH = 1_764_000_000_000L;

  private final SimNetwork net;
  private final String name;
  private final SimHost host;
  private final int port;
  private final Map<String, byte[]> state = new HashMap<>();
  private final List<NodeEvent> events = new ArrayList<>();
  private final NodeConfig config;
  private final List<SimSocket> sockets = new ArrayList<>();
  private Node node;
  private SimNetwork.Scheduled timer;
  private long scheduledAt = Long.MAX_VALUE;
  private long backgroundRuns;

  public SimNode(SimNetwork net, String name, SimHost host, int port, Identity identity, World planet, long seed) {
    this(net, name, host, port, identity, planet, seed, b -> { });
  }

  /** As above, with {@code configure} adding to the node's configuration (trusted paths…). */
  public SimNode(SimNetwork net, String name, SimHost host, int port, Identity identity, World planet, long seed,
      java.util.function.Consumer<NodeConfig.Builder> configure) {
    this.net = net;
    this.name = name;
    this.host = host;
    this.port = port;
    if (identity != null) {
      statePut(StateObject.IDENTITY_SECRET, 0, identity.toString(true).getBytes(StandardCharsets.US_ASCII));
    }
    NodeConfig.Builder b = NodeConfig.builder(new SplittableRandom(seed));
    if (planet != null) {
      b.planet(planet);
    }
    configure.accept(b);
    this.config = b.build();
  }

  /** Binds a socket on every address of the host (socket id = index), creates the node, runs it. */
  public SimNode start() {
    for (java.net.InetAddress ip : host.addresses()) {
      int id = sockets.size();
      sockets.add(host.bind(ip, port).onReceive((s, from, data) -> datagram(id, from, data)));
    }
    node = Node.create(config, this, now());
    for (java.net.InetAddress ip : host.addresses()) {
      node.addLocalInterfaceAddress(InetAddress.of(ip.getAddress(), port));
    }
    tick();
    return this;
  }

  public void stop() {
    if (timer != null) {
      timer.cancel();
    }
    if (node != null) {
      node.close();
    }
    for (SimSocket s : sockets) {
      s.close();
    }
  }

  public long now() {
    return EPOCH + net.nowMillis();
  }

  public Node node() {
    return node;
  }

  public String name() {
    return name;
  }

  public Address address() {
    return node.address();
  }

  public SimHost simHost() {
    return host;
  }

  public List<NodeEvent> events() {
    return events;
  }

  public long backgroundRuns() {
    return backgroundRuns;
  }

  public boolean online() {
    return node.online();
  }

  /** User messages received, in order. */
  public List<NodeEvent.UserMessage> userMessages() {
    List<NodeEvent.UserMessage> out = new ArrayList<>();
    for (NodeEvent e : events) {
      if (e instanceof NodeEvent.UserMessage m) {
        out.add(m);
      }
    }
    return out;
  }

  public Optional<PeerInfo> peer(Address a) {
    return node.peers(now()).stream().filter(p -> p.address().equals(a)).findFirst();
  }

  /** Whether this node's preferred path to {@code a} is a live direct one. */
  public boolean direct(Address a) {
    return peer(a).map(PeerInfo::direct).orElse(false);
  }

  public void send(SimNode to, long typeId, String text) {
    node.sendUserMessage(to.address(), typeId, text.getBytes(StandardCharsets.UTF_8), now());
    afterCall();
  }

  /** Drops recorded events (keeps memory flat in long runs). */
  public void clearEvents() {
    events.clear();
  }

  private void datagram(int socketId, InetSocketAddress from, byte[] data) {
    if (node == null) {
      return;
    }
    node.processWirePacket(socketId, toNode(from), data, 0, data.length, now());
    afterCall();
  }

  private void afterCall() {
    long d = node.nextDeadline();
    if (d < scheduledAt) {
      schedule(d);
    }
  }

  private void tick() {
    backgroundRuns++;
    scheduledAt = Long.MAX_VALUE;
    schedule(node.processBackgroundTasks(now()));
  }

  private void schedule(long at) {
    if (timer != null) {
      timer.cancel();
    }
    scheduledAt = at;
    timer = net.schedule(Math.max(at - EPOCH, net.nowMillis()), this::tick);
  }

  static InetAddress toNode(InetSocketAddress a) {
    return InetAddress.of(a.getAddress().getAddress(), a.getPort());
  }

  static InetSocketAddress toSim(InetAddress a) {
    try {
      return new InetSocketAddress(java.net.InetAddress.getByAddress(a.ip()), a.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  // ---- virtual networks ---------------------------------------------------------------------

  /** A frame the node handed to this host's tap. */
  public record TapFrame(long networkId, MAC source, MAC destination, int etherType, byte[] data) {}

  private final List<TapFrame> tapFrames = new ArrayList<>();
  private final Map<Long, VirtualNetworkConfig> networks = new HashMap<>();
  private final List<NetworkOperation> networkOperations = new ArrayList<>();

  public void join(long networkId) {
    node.join(networkId, now());
    afterCall();
  }

  public void leave(long networkId) {
    node.leave(networkId, now());
    afterCall();
  }

  /** Sends an Ethernet payload from this host's tap. */
  public void tapSend(long networkId, MAC source, MAC destination, int etherType, byte[] payload) {
    node.processVirtualNetworkFrame(networkId, source, destination, etherType, 0, payload, 0, payload.length, now());
    afterCall();
  }

  public void subscribe(long networkId, io.zt4j.node.wire.MulticastGroup group) {
    node.multicastSubscribe(networkId, group, now());
    afterCall();
  }

  /** Runs {@code call} as a command on the node (then reschedules its timer). */
  public void command(Runnable call) {
    call.run();
    afterCall();
  }

  public List<TapFrame> tapFrames() {
    return tapFrames;
  }

  /** The latest config the host was given for {@code networkId}, or null. */
  public VirtualNetworkConfig network(long networkId) {
    return networks.get(networkId);
  }

  public List<NetworkOperation> networkOperations() {
    return networkOperations;
  }

  @Override
  public void deliverFrame(long networkId, MAC source, MAC destination, int etherType, int vlanId, byte[] data,
      int offset, int length) {
    tapFrames.add(new TapFrame(networkId, source, destination, etherType,
        Arrays.copyOfRange(data, offset, offset + length)));
  }

  @Override
  public void onNetworkUpdate(long networkId, NetworkOperation operation, VirtualNetworkConfig config) {
    networkOperations.add(operation);
    if (operation == NetworkOperation.DESTROY) {
      networks.remove(networkId);
    } else {
      networks.put(networkId, config);
    }
  }

  // ---- NodeHost -----------------------------------------------------------------------------

  @Override
  public boolean sendUdp(long localSocket, InetAddress remote, byte[] data, int offset, int length, int ttl) {
    byte[] d = Arrays.copyOfRange(data, offset, offset + length);
    int t = ttl == 0 ? SimNetwork.DEFAULT_TTL : ttl;
    if (localSocket >= 0 && localSocket < sockets.size()) {
      return sockets.get((int) localSocket).send(toSim(remote), d, t);
    }
    // -1: from every socket of the destination's family, as ZeroTier One (and our runtime) do.
    boolean sent = false;
    for (SimSocket s : sockets) {
      sent |= s.send(toSim(remote), d, t);
    }
    return sent;
  }

  @Override
  public void onEvent(NodeEvent event) {
    if (!(event instanceof NodeEvent.Trace)) {
      events.add(event);
    }
  }

  @Override
  public Optional<byte[]> stateGet(StateObject type, long id) {
    byte[] b = state.get(key(type, id));
    return Optional.ofNullable(b == null ? null : b.clone());
  }

  @Override
  public void statePut(StateObject type, long id, byte[] data) {
    state.put(key(type, id), data.clone());
  }

  @Override
  public void stateDelete(StateObject type, long id) {
    state.remove(key(type, id));
  }

  public Map<String, byte[]> state() {
    return state;
  }

  /** State key: per-id objects by id; singletons (identity, planet) under id 0 as ZeroTier One stores them. */
  static String key(StateObject type, long id) {
    return switch (type) {
      case IDENTITY_PUBLIC, IDENTITY_SECRET, PLANET -> type.name();
      default -> type.name() + "/" + Long.toHexString(id);
    };
  }

  @Override
  public String toString() {
    return name;
  }
}
