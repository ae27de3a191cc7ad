package io.zt4j.bench.stack;

import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.link.FramePipe;
import io.zt4j.testkit.link.FrameSink;
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
 * UDP datagrams from one stack to another through an in-memory link ({@link FramePipe}: one
 * copy per frame, like a device), on one thread: send through UDP/IP/Ethernet on A, frame
 * parse and dispatch on B, receive into the application's buffer. One op = one datagram
 * delivered; MB/s = ops/s × payload / 10^6. The interface MTU is ZeroTier's 2800.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UdpStackToStackBench {
  static final int BATCH = 32;

  @Param({"64", "1400", "2700"})
  public int payload;

  @Param({"4", "6"})
  public int ipVersion;

  private Stack a;
  private Stack b;
  private Interface ia;
  private Interface ib;
  private final FramePipe ab = new FramePipe(256, 4096);
  private final FramePipe ba = new FramePipe(256, 4096);
  private FrameSink toA;
  private FrameSink toB;
  private UdpSocket tx;
  private UdpSocket rx;
  private IpAddress dst;
  private byte[] data;
  private final byte[] buf = new byte[65536];
  private long now = 1_000_000_000L;
  private long missing;

  @Setup(Level.Trial)
  public void setup() {
    a = new Stack(StackConfig.of(new SplittableRandom(1)));
    b = new Stack(StackConfig.of(new SplittableRandom(2)));
    ia = a.addInterface(InterfaceConfig.of(0x020000000001L).withAddress("10.0.0.1/24").withAddress("fd00::1/64"),
        device(ab), now);
    ib = b.addInterface(InterfaceConfig.of(0x020000000002L).withAddress("10.0.0.2/24").withAddress("fd00::2/64"),
        device(ba), now);
    toA = (f, off, len, t) -> ia.receiveFrame(f, off, len, t);
    toB = (f, off, len, t) -> ib.receiveFrame(f, off, len, t);
    tx = a.udp().open();
    tx.bind(null, 40000);
    rx = b.udp().open();
    rx.receiveBufferBytes(1 << 20);
    rx.bind(null, 9);
    dst = IpAddress.parse(ipVersion == 4 ? "10.0.0.2" : "fd00::2");
    data = new byte[payload];
    new SplittableRandom(3).nextBytes(data);
    // resolve neighbors, then make sure a batch arrives whole
    tx.send(data, 0, payload, dst, 9, now);
    pump();
    drain();
    if (run() != BATCH) {
      throw new IllegalStateException("setup: datagrams lost");
    }
  }

  private static LinkDevice device(FramePipe pipe) {
    return new LinkDevice() {
      @Override
      public void transmit(byte[] frame, int off, int len) {
        pipe.offer(frame, off, len);
      }
    };
  }

  private void pump() {
    while (ab.size() > 0 || ba.size() > 0) {
      ab.drainTo(toB, now);
      ba.drainTo(toA, now);
    }
  }

  private int drain() {
    int got = 0;
    while (rx.receive(buf, 0, buf.length, null) >= 0) {
      got++;
    }
    return got;
  }

  private int run() {
    for (int i = 0; i < BATCH; i++) {
      tx.send(data, 0, payload, dst, 9, now);
    }
    pump();
    return drain();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int datagrams() {
    int got = run();
    missing += BATCH - got;
    return got;
  }

  @TearDown(Level.Trial)
  public void check() {
    if (missing != 0 || ab.dropped() != 0 || ba.dropped() != 0) {
      throw new IllegalStateException("lost " + missing + " datagrams; stats " + b.stats());
    }
  }
}
