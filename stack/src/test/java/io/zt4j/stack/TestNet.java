package io.zt4j.stack;

import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.testkit.link.EventLoop;
import io.zt4j.testkit.link.ManualClock;
import io.zt4j.testkit.link.PcapWriter;
import io.zt4j.testkit.link.SimSwitch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Several stacks on one simulated Ethernet segment, driven by virtual time. Test helper: each
 * {@link Host} is a stack with one interface whose link device is a switch port.
 */
public final class TestNet implements AutoCloseable {
  public final ManualClock clock = new ManualClock(1_000_000_000L);
  public final EventLoop loop = new EventLoop(clock);
  public final SimSwitch sw;
  private final long seed;
  private final List<Host> hosts = new ArrayList<>();
  private PcapWriter pcap;

  public TestNet(long seed) {
    this.seed = seed;
    this.sw = new SimSwitch(seed);
    loop.add(sw);
  }

  /** Captures all frames to {@code target/pcap/<name>.pcap}. */
  public TestNet capture(String name) {
    pcap = PcapWriter.create(Path.of("target", "pcap", name + ".pcap"), PcapWriter.ETHERNET);
    sw.capture(pcap);
    return this;
  }

  public Host host(InterfaceConfig config) {
    return host(config, 0);
  }

  public Host host(InterfaceConfig config, int deviceHeadroom) {
    Host h = new Host(new Stack(StackConfig.of(new SplittableRandom(seed * 31 + hosts.size()))));
    h.attach(config, deviceHeadroom);
    hosts.add(h);
    loop.add(new EventLoop.Participant() {
      @Override
      public long pollAt() {
        return h.stack.pollAt();
      }

      @Override
      public void poll(long nowNanos) {
        h.stack.poll(nowNanos);
      }
    });
    return h;
  }

  public long now() {
    return clock.nanos();
  }

  public boolean runUntil(java.util.function.BooleanSupplier done, long maxNanos) {
    return loop.runUntil(done, maxNanos);
  }

  public void runFor(long nanos) {
    loop.runFor(nanos);
  }

  @Override
  public void close() {
    if (pcap != null) {
      pcap.close();
    }
  }

  /** A stack with one interface on the switch. */
  public final class Host {
    public final Stack stack;
    public Interface ifc;
    public SimSwitch.Port port;
    public final List<StackSocket> ready = new ArrayList<>();
    public long framesSent;
    /** Whether readiness is drained after every delivered frame (as the runtime loop does). */
    public boolean autoDrain = true;

    Host(Stack stack) {
      this.stack = stack;
    }

    void attach(InterfaceConfig config, int headroom) {
      port = sw.attach((f, off, len, now) -> {
        ifc.receiveFrame(f, off, len, now);
        if (autoDrain) {
          drain();
        }
      });
      ifc = stack.addInterface(config, new LinkDevice() {
        @Override
        public int headroom() {
          return headroom;
        }

        @Override
        public void transmit(byte[] buf, int off, int len) {
          if (off < headroom) {
            throw new AssertionError("frame starts inside the headroom");
          }
          framesSent++;
          port.send(buf, off, len, clock.nanos());
        }
      }, clock.nanos());
    }

    /** Collects readiness notifications, as a driver would. */
    public void drain() {
      for (StackSocket s; (s = stack.nextReady()) != null; ) {
        ready.add(s);
      }
    }
  }
}
