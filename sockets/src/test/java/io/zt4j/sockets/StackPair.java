package io.zt4j.sockets;

import io.zt4j.runtime.EventLoop;
import io.zt4j.runtime.driver.MemoryLink;
import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.InterfaceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.SplittableRandom;

/**
 * Two stacks in one JVM, each driven by its own loop thread like two nodes, joined by an
 * in-memory Ethernet link: A is 10.9.0.1 / fd09::1, B is 10.9.0.2 / fd09::2.
 */
final class StackPair implements AutoCloseable {
  final EventLoop loopA = new EventLoop("test-loop-a");
  final EventLoop loopB = new EventLoop("test-loop-b");
  final StackDriver a;
  final StackDriver b;
  final MemoryLink link;

  StackPair() {
    a = new StackDriver(loopA, new Stack(StackConfig.of(new SplittableRandom(1))));
    b = new StackDriver(loopB, new Stack(StackConfig.of(new SplittableRandom(2))));
    try {
      link = MemoryLink.connect(a, cfg(1), b, cfg(2));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InterfaceConfig cfg(int n) {
    return InterfaceConfig.of(0x0200_0000_0900L + n).withAddress("10.9.0." + n + "/24").withAddress("fd09::" + n + "/64");
  }

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final InetAddress A4 = ip("10.9.0.1");
  static final InetAddress B4 = ip("10.9.0.2");
  static final InetAddress A6 = ip("fd09::1");
  static final InetAddress B6 = ip("fd09::2");

  @Override
  public void close() {
    loopA.close();
    loopB.close();
  }
}
