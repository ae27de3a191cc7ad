package io.zt4j.testkit.simnet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A machine in a {@link Realm}: one or more IP addresses and the UDP sockets bound on them. */
public final class SimHost {
  private final SimNetwork net;
  private final Realm realm;
  private final String name;
  private final List<InetAddress> addresses;
  private final LinkProfile link;
  private final Map<InetSocketAddress, SimSocket> sockets = new HashMap<>();
  private int nextEphemeral = 49152;

  SimHost(SimNetwork net, Realm realm, String name, InetAddress[] addresses, LinkProfile link) {
    this.net = net;
    this.realm = realm;
    this.name = name;
    this.addresses = List.of(addresses);
    this.link = link;
  }

  public String name() {
    return name;
  }

  public Realm realm() {
    return realm;
  }

  /** The host's addresses, first one primary. */
  public List<InetAddress> addresses() {
    return addresses;
  }

  /** The first address. */
  public InetAddress address() {
    return addresses.get(0);
  }

  public LinkProfile link() {
    return link;
  }

  /** Binds a UDP socket on the host's first address; {@code port} 0 picks a free one. */
  public SimSocket bind(int port) {
    return bind(address(), port);
  }

  /** Binds a UDP socket on one of the host's addresses; {@code port} 0 picks a free one. */
  public SimSocket bind(InetAddress ip, int port) {
    if (!addresses.contains(ip)) {
      throw new IllegalArgumentException(ip + " is not an address of " + name);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    int p = port;
    if (p == 0) {
      do {
        p = nextEphemeral;
        nextEphemeral = nextEphemeral == 65535 ? 49152 : nextEphemeral + 1;
      } while (sockets.containsKey(new InetSocketAddress(ip, p)));
    }
    InetSocketAddress local = new InetSocketAddress(ip, p);
    if (sockets.containsKey(local)) {
      throw new IllegalStateException(local + " already bound on " + name);
    }
    SimSocket s = new SimSocket(this, local);
    sockets.put(local, s);
    return s;
  }

  void unbind(SimSocket s) {
    sockets.remove(s.localAddress(), s);
  }

  void send(Datagram d) {
    net.count(SimNetwork.Counter.SENT, d);
    net.crossLink(link, d, realm::route);
  }

  void receive(Datagram d) {
    SimSocket s = sockets.get(d.destination());
    if (s == null) {
      net.count(SimNetwork.Counter.PORT_UNREACHABLE, d);
      return;
    }
    net.count(SimNetwork.Counter.DELIVERED, d);
    s.deliver(d);
  }

  @Override
  public String toString() {
    return name + addresses;
  }
}
