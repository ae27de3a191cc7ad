package io.zt4j.testkit.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A NAT-PMP gateway (RFC 6886) on 127.0.0.1 for tests: answers external address and UDP mapping
 * requests from a mapping table, records every datagram it receives, and can be told to stay
 * silent, to refuse, or to send hostile datagrams before its real answer. It speaks the wire
 * format by itself (it shares no code with the client under test).
 */
public final class FakeNatPmpServer implements AutoCloseable {
  /** A datagram the fake received. */
  public record Request(byte[] data, SocketAddress from) {
    public int opcode() {
      return data.length > 1 ? data[1] & 0xff : -1;
    }

    public int internalPort() {
      return data.length >= 12 ? u16(data, 4) : -1;
    }

    public int suggestedExternalPort() {
      return data.length >= 12 ? u16(data, 6) : -1;
    }

    public long lifetime() {
      return data.length >= 12 ? u32(data, 8) : -1;
    }
  }

  private final DatagramSocket socket;
  private final DatagramSocket other;
  private final Thread thread;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<Integer, int[]> mappings = new HashMap<>(); // internal -> {external, lifetime}
  private final ConcurrentLinkedQueue<byte[]> hostileFirst = new ConcurrentLinkedQueue<>();
  private final long startMillis = System.currentTimeMillis();
  private volatile byte[] externalIp = {(byte) 203, 0, 113, 7};
  private volatile boolean silent;
  private volatile int mapResultCode;
  private volatile int externalPortOffset;
  private volatile int fixedExternalPort;
  private volatile long maxLifetime = Long.MAX_VALUE;
  private volatile boolean spoofFromOtherPort;

  /** Binds 127.0.0.1 on a free port and starts answering. */
  public FakeNatPmpServer() throws IOException {
    InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    socket = new DatagramSocket(new InetSocketAddress(lo, 0));
    other = new DatagramSocket(new InetSocketAddress(lo, 0));
    thread = new Thread(this::run, "fake-natpmp");
    thread.setDaemon(true);
    thread.start();
  }

  /** Where clients send (127.0.0.1 and the fake's port). */
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Every datagram received so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** UDP mapping requests received so far. */
  public List<Request> mapRequests() {
    return requests.stream().filter(r -> r.opcode() == 1).toList();
  }

  /** Current mappings: internal port → external port. */
  public synchronized Map<Integer, Integer> mappings() {
    Map<Integer, Integer> m = new HashMap<>();
    mappings.forEach((k, v) -> m.put(k, v[0]));
    return m;
  }

  public void externalIp(byte[] ip) {
    this.externalIp = ip.clone();
  }

  /** Receive but never answer. */
  public void silent(boolean silent) {
    this.silent = silent;
  }

  /** Answer mapping requests with this result code (0 = success). */
  public void mapResultCode(int code) {
    this.mapResultCode = code;
  }

  /** Grant this external port offset from the suggested one (a router that picks its own port). */
  public void externalPortOffset(int offset) {
    this.externalPortOffset = offset;
  }

  /** Grant this external port whatever is suggested (a router that forwards from a port of its choice). */
  public void grantExternalPort(int port) {
    this.fixedExternalPort = port;
  }

  /** Grant at most this lifetime. */
  public void maxLifetime(long seconds) {
    this.maxLifetime = seconds;
  }

  /** Before each real answer, send these datagrams (one per answer, in order). */
  public void sendFirst(byte[]... datagrams) {
    hostileFirst.addAll(Arrays.asList(datagrams));
  }

  /** Before each real answer, also answer from another port (a spoofed reply). */
  public void spoofFromOtherPort(boolean spoof) {
    this.spoofFromOtherPort = spoof;
  }

  private void run() {
    byte[] buf = new byte[2048];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException e) {
        return;
      }
      byte[] data = Arrays.copyOf(p.getData(), p.getLength());
      requests.add(new Request(data, p.getSocketAddress()));
      if (silent) {
        continue;
      }
      byte[] reply = answer(data);
      if (reply == null) {
        continue;
      }
      try {
        byte[] bad = hostileFirst.poll();
        if (bad != null) {
          socket.send(new DatagramPacket(bad, bad.length, p.getSocketAddress()));
        }
        if (spoofFromOtherPort) {
          other.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
        }
        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private synchronized byte[] answer(byte[] q) {
    if (q.length < 2 || q[0] != 0) {
      return null;
    }
    long epoch = (System.currentTimeMillis() - startMillis) / 1000;
    if (q[1] == 0 && q.length == 2) {
      byte[] r = new byte[12];
      r[1] = (byte) 128;
      put32(r, 4, epoch);
      System.arraycopy(externalIp, 0, r, 8, 4);
      return r;
    }
    if (q[1] == 1 && q.length == 12) {
      int internal = u16(q, 4);
      int suggested = u16(q, 6);
      long lifetime = u32(q, 8);
      byte[] r = new byte[16];
      r[1] = (byte) 129;
      put32(r, 4, epoch);
      put16(r, 8, internal);
      if (mapResultCode != 0) {
        put16(r, 2, mapResultCode);
        return r;
      }
      if (lifetime == 0) {
        mappings.remove(internal);
        return r; // §3.4: external port and lifetime 0
      }
      int[] m = mappings.get(internal);
      int external = m != null ? m[0]
          : fixedExternalPort > 0 ? fixedExternalPort : (suggested == 0 ? internal : suggested) + externalPortOffset;
      long granted = Math.min(lifetime, maxLifetime);
      mappings.put(internal, new int[] {external, (int) granted});
      put16(r, 10, external);
      put32(r, 12, granted);
      return r;
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    other.close();
    thread.join(2000);
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  static long u32(byte[] b, int at) {
    return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  static void put16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void put32(byte[] b, int at, long v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** Hostile datagrams a test may queue: truncated, oversized, wrong version, wrong opcode. */
  public static List<byte[]> hostileReplies() {
    List<byte[]> out = new ArrayList<>();
    out.add(new byte[] {0, (byte) 128, 0});
    out.add(new byte[1500]);
    byte[] v2 = new byte[16];
    v2[0] = 2;
    v2[1] = (byte) 129;
    out.add(v2);
    byte[] op = new byte[16];
    op[1] = (byte) 130;
    out.add(op);
    return out;
  }
}
