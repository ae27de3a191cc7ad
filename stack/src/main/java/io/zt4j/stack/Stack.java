package io.zt4j.stack;

import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.iface.IpCore;
import io.zt4j.stack.ip.IpLayer;
import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.socket.icmp.PingLayer;
import io.zt4j.stack.socket.icmp.PingSocket;
import io.zt4j.stack.socket.tcp.Tcp;
import io.zt4j.stack.socket.tcp.TcpConfig;
import io.zt4j.stack.socket.tcp.TcpIpBinding;
import io.zt4j.stack.socket.udp.UdpLayer;
import io.zt4j.stack.wire.IpAddress;
import java.util.List;

/**
 * A user-space TCP/IP stack: one per node, with one {@link Interface} per joined virtual network
 * and the sockets of all of them.
 *
 * <h2>Driving it</h2>
 *
 * The stack is a deterministic state machine. Its owner (the runtime's loop thread, or a test)
 * calls every method on one thread; nothing here is thread-safe and nothing blocks, reads a
 * clock or starts a thread. Time comes in as {@code nowNanos} (monotonic). The loop:
 *
 * <pre>{@code
 * stack.beginInputBatch();                  // optional: frames that arrived together
 * iface.receiveFrame(buf, off, len, now);   // for each frame from the link
 * stack.endInputBatch(now);                  // the ACKs the batch owes go out
 * stack.poll(now);                           // when now >= stack.pollAt()
 * for (StackSocket s; (s = stack.nextReady()) != null; ) { ... s.readiness() ... }
 * sleep until min(stack.pollAt(), next frame, next app command)
 * }</pre>
 *
 * Outgoing frames leave synchronously through each interface's {@link LinkDevice}.
 *
 * <h2>Plugging in transports</h2>
 *
 * {@link #ip()} is the IP layer transports register with and send through (see
 * {@link IpLayer}); UDP and ICMP echo are registered here, TCP registers itself the same way.
 */
public final class Stack {
  private final StackConfig config;
  private final IpCore core;
  private final UdpLayer udp;
  private final PingLayer ping;
  private final Tcp tcp;

  public Stack(StackConfig config) {
    this(config, new TcpConfig());
  }

  /** A stack whose TCP layer uses {@code tcpConfig} (kept by reference: changes apply to new sockets). */
  public Stack(StackConfig config, TcpConfig tcpConfig) {
    this.config = config;
    this.core = new IpCore(config.headroom(), config.tailroom(), config.random(), config.icmpErrorsPerSecond());
    this.udp = new UdpLayer(core);
    this.ping = new PingLayer(core);
    this.tcp = new TcpIpBinding(core, tcpConfig).tcp();
  }

  public StackConfig config() {
    return config;
  }

  /**
   * Adds an interface sending through {@code device}. IPv4 addresses are announced with
   * gratuitous ARP right away.
   */
  public Interface addInterface(InterfaceConfig config, LinkDevice device, long nowNanos) {
    return core.addInterface(config, device, nowNanos);
  }

  public List<Interface> interfaces() {
    return core.interfaces();
  }

  /** The interface with this 1-based index, or null. */
  public Interface interfaceByIndex(int index) {
    return core.interfaceByIndex(index);
  }

  /** The IP layer: protocol registration, routing and the output path for transports. */
  public IpLayer ip() {
    return core;
  }

  public UdpLayer udp() {
    return udp;
  }

  /**
   * The TCP layer (registered for protocol 6). Its sockets report readiness on their own queue,
   * {@link Tcp#nextReady()}, which the driver drains next to {@link #nextReady()}.
   */
  public Tcp tcp() {
    return tcp;
  }

  /** ICMP echo sockets. */
  public PingLayer icmp() {
    return ping;
  }

  /** Opens an echo socket and sends one request of {@code size} bytes; read the result from it. */
  public PingSocket ping(IpAddress dst, int size, long timeoutNanos, long nowNanos) {
    PingSocket s = ping.open();
    if (s == null) {
      return null;
    }
    s.send(dst, size, timeoutNanos, nowNanos);
    return s;
  }

  /**
   * Marks the start of a batch of frames that arrived together (one loop iteration's datagrams);
   * end it with {@link #endInputBatch}. Within a batch TCP answers in-order data with one pure
   * ACK per connection at the end instead of one per second segment (see
   * {@link Tcp#beginInputBatch}); outside batches every frame is answered on its own.
   */
  public void beginInputBatch() {
    tcp.beginInputBatch();
  }

  /** Ends the input batch: sends the ACKs TCP deferred to its end. */
  public void endInputBatch(long nowNanos) {
    tcp.endInputBatch(nowNanos);
  }

  /** Runs everything due at {@code nowNanos}: loopback delivery, ARP/NDP and reassembly timers, transport timers. */
  public void poll(long nowNanos) {
    core.poll(nowNanos);
  }

  /** The next time {@link #poll} has work to do, or {@link Long#MAX_VALUE} when idle. */
  public long pollAt() {
    return core.pollAt();
  }

  /** The next socket whose readiness may have changed since it was last returned, or null. */
  public StackSocket nextReady() {
    return core.readinessQueue().poll();
  }

  public StackStats stats() {
    return core.stats();
  }
}
