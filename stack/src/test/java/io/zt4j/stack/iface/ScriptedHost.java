package io.zt4j.stack.iface;

import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.wire.EthernetFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** One stack whose device records every frame, for scripted frame-in / frames-out tests. */
final class ScriptedHost {
  final Stack stack;
  final Interface ifc;
  final List<byte[]> out = new ArrayList<>();
  long now = 1_000_000_000L;

  ScriptedHost(InterfaceConfig config) {
    stack = new Stack(StackConfig.of(new SplittableRandom(7)));
    ifc = stack.addInterface(config, new LinkDevice() {
      @Override
      public int headroom() {
        return 16;
      }

      @Override
      public void transmit(byte[] buf, int off, int len) {
        out.add(Arrays.copyOfRange(buf, off, off + len));
      }
    }, now);
  }

  void in(byte[] frame) {
    ifc.receiveFrame(frame, 0, frame.length, now);
  }

  /** Feeds a frame placed at an odd offset inside a larger buffer (views must honour offsets). */
  void inAt(byte[] frame, int offset) {
    byte[] b = new byte[offset + frame.length + 7];
    Arrays.fill(b, (byte) 0xEE);
    System.arraycopy(frame, 0, b, offset, frame.length);
    ifc.receiveFrame(b, offset, frame.length, now);
  }

  List<byte[]> take() {
    List<byte[]> l = new ArrayList<>(out);
    out.clear();
    return l;
  }

  byte[] takeOne() {
    List<byte[]> l = take();
    if (l.size() != 1) {
      throw new AssertionError("expected one frame, got " + l.size());
    }
    return l.get(0);
  }

  /** Moves time forward by {@code nanos}, running every timer that falls due on the way. */
  void advance(long nanos) {
    long target = now + nanos;
    for (int i = 0; i < 100_000; i++) {
      long at = stack.pollAt();
      if (at > target) {
        break;
      }
      now = Math.max(now, at);
      stack.poll(now);
    }
    now = target;
    stack.poll(now);
  }

  static EthernetFrame eth(byte[] f) {
    EthernetFrame e = new EthernetFrame();
    if (!e.wrap(f, 0, f.length)) {
      throw new AssertionError("not a frame");
    }
    return e;
  }
}
