package io.zt4j.testkit.simnet;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * A bound UDP socket on a {@link SimHost}. Received datagrams go to the {@link Receiver} set with
 * {@link #onReceive}; without one they are discarded (counted as delivered).
 */
public final class SimSocket {
  /** Receives datagrams on a socket, inside the simulation's event loop. */
  @FunctionalInterface
  public interface Receiver {
    /**
     * @param socket the receiving socket
     * @param from the sender as seen here (after any NAT rewriting)
     * @param data a private copy of the payload
     */
    void receive(SimSocket socket, InetSocketAddress from, byte[] data);
  }

  private final SimHost host;
  private final InetSocketAddress local;
  private Receiver receiver;
  private boolean closed;

  SimSocket(SimHost host, InetSocketAddress local) {
    this.host = host;
    this.local = local;
  }

  public InetSocketAddress localAddress() {
    return local;
  }

  public SimHost host() {
    return host;
  }

  public SimSocket onReceive(Receiver r) {
    this.receiver = r;
    return this;
  }

  /** Sends with the default TTL. Returns false if closed or the address family differs. */
  public boolean send(InetSocketAddress to, byte[] data) {
    return send(to, data, SimNetwork.DEFAULT_TTL);
  }

  /** Sends {@code data} (copied) to {@code to} with IP TTL {@code ttl}. */
  public boolean send(InetSocketAddress to, byte[] data, int ttl) {
    if (closed || ttl <= 0) {
      return false;
    }
    boolean v4 = local.getAddress() instanceof Inet4Address;
    if (v4 != (to.getAddress() instanceof Inet4Address)) {
      return false;
    }
    host.send(new Datagram(local, to, data.clone(), ttl));
    return true;
  }

  public void close() {
    closed = true;
    host.unbind(this);
  }

  public boolean closed() {
    return closed;
  }

  void deliver(Datagram d) {
    if (!closed && receiver != null) {
      receiver.receive(this, d.source(), d.payload().clone());
    }
  }

  @Override
  public String toString() {
    return host.name() + "/" + local;
  }
}
