package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.TestNet;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.wire.IpAddress;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by {@link TcpTenThousandConnectionsIT} (so the heap limit is real, e.g.
 * {@code -Xmx512m}): two stacks on the simulated switch (virtual time), N concurrent connections
 * from one to the other, each echoing a 64-byte message that names it, all N held established
 * at once (heap measured after GC), then closed by the clients; every end must finish in
 * TIME_WAIT/CLOSED and, after 2MSL, both stacks must hold no connection. Driven only through the
 * stacks' readiness queues, as the runtime does. Prints {@code OK ...} on success; any failure is
 * an exception (non-zero exit).
 */
public final class TenThousandConnections {
  static final long MS = 1_000_000L;
  static final long SEC = 1_000 * MS;
  static final int MSG = 64;

  private TenThousandConnections() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    try (TestNet net = new TestNet(10)) {
      TestNet.Host a = net.host(InterfaceConfig.of(0x0200_0000_0001L).withAddress("10.1.0.1/24"));
      TestNet.Host b = net.host(InterfaceConfig.of(0x0200_0000_0002L).withAddress("10.1.0.2/24"));
      a.autoDrain = false;
      b.autoDrain = false;
      IpAddress dst = IpAddress.parse("10.1.0.2");
      TcpListener l = b.stack.tcp().listen(0, 0, 8080, 1024);
      List<TcpSocket> clients = new ArrayList<>(n);
      List<TcpSocket> servers = new ArrayList<>(n);
      long heapBefore = usedHeap();

      // open in batches of 500 (the listener's SYN queue is 256 deep; beyond it SYN cookies)
      for (int from = 0; from < n; from += 500) {
        int to = Math.min(n, from + 500);
        for (int i = from; i < to; i++) {
          TcpSocket c = a.stack.tcp().connect(dst.hi(), dst.lo(), 8080, net.now());
          check(c.state() == TcpState.SYN_SENT, "connect " + i + ": " + c.state() + " " + c.error());
          clients.add(c);
        }
        boolean ok = net.runUntil(() -> {
          drain(a);
          drain(b);
          for (TcpSocket s; (s = l.accept()) != null; ) {
            servers.add(s);
          }
          return servers.size() == to;
        }, 60 * SEC);
        check(ok, "accepted " + servers.size() + " of " + to);
        for (int i = from; i < to; i++) {
          check(clients.get(i).state() == TcpState.ESTABLISHED, "client " + i + " " + clients.get(i).state());
        }
      }
      check(a.stack.tcp().connectionCount() == n && b.stack.tcp().connectionCount() == n,
          "connection counts " + a.stack.tcp().connectionCount() + " / " + b.stack.tcp().connectionCount());

      // every client sends a message naming it; servers echo it; clients check their own
      Map<TcpSocket, Integer> clientIndex = new IdentityHashMap<>();
      for (int i = 0; i < n; i++) {
        clientIndex.put(clients.get(i), i);
        byte[] m = message(i);
        check(clients.get(i).send(m, 0, MSG, net.now()) == MSG, "send " + i);
      }
      Map<TcpSocket, byte[]> partial = new IdentityHashMap<>();
      int[] echoed = new int[1];
      boolean[] seen = new boolean[n];
      byte[] buf = new byte[4 * MSG];
      boolean ok = net.runUntil(() -> {
        long now = net.now();
        for (StackSocket x; (x = b.stack.nextReady()) != null; ) {
          if (x instanceof TcpSocket s) {
            byte[] got = collect(s, partial, buf, now);
            if (got != null) {
              check(s.send(got, 0, MSG, now) == MSG, "echo");
            }
          }
        }
        for (StackSocket x; (x = a.stack.nextReady()) != null; ) {
          if (x instanceof TcpSocket c) {
            byte[] got = collect(c, partial, buf, now);
            if (got != null) {
              int i = clientIndex.get(c);
              check(Arrays.equals(got, message(i)), "client " + i + " got another connection's bytes");
              check(!seen[i], "client " + i + " answered twice");
              seen[i] = true;
              echoed[0]++;
            }
          }
        }
        return echoed[0] == n;
      }, 120 * SEC);
      check(ok, "echoed " + echoed[0] + " of " + n);

      // all idle and established at once; buffers go back after a second without traffic
      net.runFor(3 * SEC);
      drain(a);
      drain(b);
      for (int i = 0; i < n; i++) {
        check(clients.get(i).state() == TcpState.ESTABLISHED && servers.get(i).state() == TcpState.ESTABLISHED,
            "connection " + i + " not established while idle");
      }
      long heapHeld = usedHeap() - heapBefore;
      // idle ends hold no buffers: rings and SACK/out-of-order tables were released
      long rings = 0;
      for (int i = 0; i < n; i++) {
        rings += clients.get(i).bufferBytes() + servers.get(i).bufferBytes();
      }
      check(rings == 0, "idle connections still hold " + rings + " B of buffers");

      // clients close first (TIME_WAIT); servers close on EOF (LAST_ACK, then CLOSED)
      for (TcpSocket c : clients) {
        c.close(net.now());
      }
      int[] serverClosed = new int[1];
      ok = net.runUntil(() -> {
        long now = net.now();
        drain(a);
        for (StackSocket x; (x = b.stack.nextReady()) != null; ) {
          if (x instanceof TcpSocket s && !s.isClosed() && s.receive(buf, 0, buf.length, now) == TcpSocket.EOF) {
            s.close(now);
            serverClosed[0]++;
          }
        }
        return serverClosed[0] == n;
      }, 60 * SEC);
      check(ok, "servers saw EOF on " + serverClosed[0] + " of " + n);
      net.runFor(5 * SEC);
      int timeWait = 0;
      for (int i = 0; i < n; i++) {
        TcpSocket c = clients.get(i);
        TcpSocket s = servers.get(i);
        check(c.state() == TcpState.TIME_WAIT || c.state() == TcpState.CLOSED, "client " + i + " ended " + c.state());
        check(s.state() == TcpState.CLOSED, "server " + i + " ended " + s.state());
        check(c.error() == TcpError.NONE && s.error() == TcpError.NONE, "connection " + i + " error");
        timeWait += c.state() == TcpState.TIME_WAIT ? 1 : 0;
      }
      check(b.stack.tcp().connectionCount() == 0, "server stack still holds " + b.stack.tcp().connectionCount());
      net.runFor(61 * SEC);
      drain(a);
      check(a.stack.tcp().connectionCount() == 0, "client stack still holds " + a.stack.tcp().connectionCount());
      for (TcpSocket c : clients) {
        check(c.state() == TcpState.CLOSED, "client after 2MSL: " + c.state());
      }
      System.out.printf("OK %d concurrent connections (%d ends) in max heap %d MiB: %.1f MiB held while idle "
          + "(%.0f B per end, buffers and range tables %d B in all); %d clients went through TIME_WAIT%n", n, 2 * n,
          Runtime.getRuntime().maxMemory() >> 20, heapHeld / 1048576.0, heapHeld / (2.0 * n), rings, timeWait);
    }
  }

  static byte[] message(int i) {
    byte[] m = new byte[MSG];
    for (int k = 0; k < MSG; k++) {
      m[k] = (byte) (i * 31 + k * 7 + (i >>> 8));
    }
    m[0] = (byte) (i >>> 24);
    m[1] = (byte) (i >>> 16);
    m[2] = (byte) (i >>> 8);
    m[3] = (byte) i;
    return m;
  }

  /** Reads what is there; returns the whole message once MSG bytes have arrived. */
  static byte[] collect(TcpSocket s, Map<TcpSocket, byte[]> partial, byte[] buf, long now) {
    int r = s.receive(buf, 0, buf.length, now);
    if (r <= 0) {
      return null;
    }
    byte[] have = partial.remove(s);
    byte[] all = have == null ? Arrays.copyOf(buf, r) : concat(have, Arrays.copyOf(buf, r));
    check(all.length <= MSG, "more than one message");
    if (all.length < MSG) {
      partial.put(s, all);
      return null;
    }
    return all;
  }

  static byte[] concat(byte[] x, byte[] y) {
    byte[] z = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, z, x.length, y.length);
    return z;
  }

  static void drain(TestNet.Host h) {
    while (h.stack.nextReady() != null) {
      // nothing to do for these
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
