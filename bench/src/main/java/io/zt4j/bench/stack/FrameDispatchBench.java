package io.zt4j.bench.stack;

import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.ArpPacket;
import io.zt4j.stack.wire.ArpRepr;
import io.zt4j.stack.wire.EtherType;
import io.zt4j.stack.wire.EthernetRepr;
import io.zt4j.stack.wire.Icmpv4Repr;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv4Repr;
import io.zt4j.stack.wire.Ipv6Repr;
import io.zt4j.stack.wire.UdpRepr;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Frames one core can take in: {@code Interface.receiveFrame} on a prebuilt frame — Ethernet,
 * IPv4/IPv6 with header checksum, UDP with its checksum, socket demultiplexing and the copy into
 * the socket's receive queue, then the application's receive. {@code icmp4-echo} measures an
 * echo request in and the reply out (to a device that discards it). One op = one frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameDispatchBench {
  static final int BATCH = 64;
  static final long PEER_MAC = 0x020000000001L;
  static final long OUR_MAC = 0x020000000002L;

  @Param({"udp4-64", "udp4-1400", "udp6-1400", "udp4-2700", "icmp4-echo"})
  public String kind;

  private Stack stack;
  private Interface ifc;
  private UdpSocket rx;
  private byte[] frame;
  private final byte[] buf = new byte[65536];
  private final long now = 1_000_000_000L;
  private long delivered;

  @Setup(Level.Trial)
  public void setup() {
    stack = new Stack(StackConfig.of(new SplittableRandom(1)));
    ifc = stack.addInterface(InterfaceConfig.of(OUR_MAC).withAddress("10.0.0.2/24").withAddress("fd00::2/64"),
        new LinkDevice() {
          @Override
          public void transmit(byte[] b, int off, int len) {}
        }, now);
    rx = stack.udp().open();
    rx.receiveBufferBytes(1 << 20);
    rx.bind(null, 9);
    IpAddress p4 = IpAddress.parse("10.0.0.1");
    IpAddress o4 = IpAddress.parse("10.0.0.2");
    IpAddress p6 = IpAddress.parse("fd00::1");
    IpAddress o6 = IpAddress.parse("fd00::2");
    // the peer is a known neighbor (its ARP request taught us its MAC)
    byte[] arp = new byte[42];
    new EthernetRepr(OUR_MAC, PEER_MAC, EtherType.ARP).emit(arp, 0);
    new ArpRepr(ArpPacket.OP_REQUEST, PEER_MAC, p4.v4(), 0, o4.v4()).emit(arp, 14);
    ifc.receiveFrame(arp, 0, arp.length, now);
    String[] k = kind.split("-");
    if (k[0].equals("icmp4")) {
      byte[] data = new byte[56];
      byte[] icmp = new byte[64];
      new Icmpv4Repr.EchoRequest(1, 1, data).emit(icmp, 0);
      frame = new byte[14 + 20 + icmp.length];
      new EthernetRepr(OUR_MAC, PEER_MAC, EtherType.IPV4).emit(frame, 0);
      Ipv4Repr.of(p4, o4, IpProtocol.ICMP, icmp.length, 64).emit(frame, 14);
      System.arraycopy(icmp, 0, frame, 34, icmp.length);
      return;
    }
    int size = Integer.parseInt(k[1]);
    boolean v6 = k[0].equals("udp6");
    byte[] udp = new byte[8 + size];
    new SplittableRandom(2).nextBytes(udp);
    new UdpRepr(40000, 9).emit(udp, 0, size, v6 ? p6 : p4, v6 ? o6 : o4);
    int ipHdr = v6 ? 40 : 20;
    frame = new byte[14 + ipHdr + udp.length];
    new EthernetRepr(OUR_MAC, PEER_MAC, v6 ? EtherType.IPV6 : EtherType.IPV4).emit(frame, 0);
    if (v6) {
      Ipv6Repr.of(p6, o6, IpProtocol.UDP, udp.length, 64).emit(frame, 14);
    } else {
      Ipv4Repr.of(p4, o4, IpProtocol.UDP, udp.length, 64).emit(frame, 14);
    }
    System.arraycopy(udp, 0, frame, 14 + ipHdr, udp.length);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int frames() {
    for (int i = 0; i < BATCH; i++) {
      ifc.receiveFrame(frame, 0, frame.length, now);
    }
    int got = 0;
    while (rx.receive(buf, 0, buf.length, null) >= 0) {
      got++;
    }
    delivered += got;
    return got;
  }

  @TearDown(Level.Trial)
  public void check() {
    long expected = kind.startsWith("icmp") ? 0 : 1;
    if ((delivered > 0) != (expected > 0) || stack.stats().get(Counter.DROP_UDP_RECEIVE_QUEUE_FULL) != 0) {
      throw new IllegalStateException("unexpected: delivered=" + delivered + " " + stack.stats());
    }
  }
}
