package io.zt4j.stack.socket.tcp;

import java.util.ArrayDeque;

/**
 * A listening socket (LISTEN): answers SYNs, keeps at most {@link TcpConfig#synQueueLimit}
 * half-open connections (SYN cookies beyond that) and a backlog of established connections
 * waiting for {@link #accept()}. {@link Readiness#READABLE} while one is waiting.
 * Owner thread only.
 */
public final class TcpListener extends TcpEndpoint {
  final Tcp layer;
  final long localHi;
  final long localLo;
  final int port;
  int backlog;
  int synQueued;
  final ArrayDeque<TcpSocket> acceptQueue = new ArrayDeque<>();
  boolean closed;
  long cookiesSent;
  long cookiesAccepted;
  long lastCookieAtNanos = Long.MIN_VALUE;

  TcpListener(Tcp layer, long localHi, long localLo, int port, int backlog) {
    super(layer.readyQueue);
    this.layer = layer;
    this.localHi = localHi;
    this.localLo = localLo;
    this.port = port;
    this.backlog = Math.max(1, backlog);
  }

  public int port() {
    return port;
  }

  /** The next established connection, or null when none is waiting. */
  public TcpSocket accept() {
    TcpSocket s = acceptQueue.poll();
    if (s != null) {
      s.parent = null;
      s.accepted = true;
      s.observed();
    }
    observed();
    return s;
  }

  /** Connections waiting for accept. */
  public int pending() {
    return acceptQueue.size();
  }

  /** Half-open connections (SYN_RECEIVED). */
  public int synQueued() {
    return synQueued;
  }

  public long cookiesSent() {
    return cookiesSent;
  }

  public long cookiesAccepted() {
    return cookiesAccepted;
  }

  /** Stops listening; connections not yet accepted are reset. */
  public void close(long nowNanos) {
    if (closed) {
      return;
    }
    closed = true;
    layer.removeListener(this);
    TcpSocket s;
    while ((s = acceptQueue.poll()) != null) {
      s.parent = null;
      s.abort(nowNanos);
    }
    layer.abortEmbryos(this, nowNanos);
  }

  @Override
  public void close() {
    close(layer.lastNowNanos);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public int readiness() {
    return acceptQueue.isEmpty() ? (closed ? Readiness.HANGUP : 0) : Readiness.READABLE;
  }

  boolean matches(long hi, long lo, int dstPort) {
    if (dstPort != port) {
      return false;
    }
    if (localHi == 0 && localLo == 0) {
      return true; // any address, both families
    }
    if (localHi == 0 && localLo == Tcp.V4_MAPPED) {
      return Tcp.isV4(hi, lo); // any IPv4 address
    }
    return localHi == hi && localLo == lo;
  }

  boolean canQueue() {
    return acceptQueue.size() < backlog;
  }

  void onEstablished(TcpSocket s) {
    if (s.embryo) {
      s.embryo = false;
      synQueued = Math.max(0, synQueued - 1);
    }
    acceptQueue.add(s);
    layer.noteReadiness(this);
  }

  void onChildClosed(TcpSocket s) {
    if (s.embryo) {
      s.embryo = false;
      synQueued = Math.max(0, synQueued - 1);
    } else {
      acceptQueue.remove(s);
    }
    s.parent = null;
  }
}
