package io.zt4j.runtime;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host's own IP addresses, for binding when no address is configured (like ZeroTier One,
 * which binds each interface address rather than the wildcard so that what a peer sees is what we
 * advertise). Skips loopback, link-local, multicast and interfaces that are down.
 */
public final class LocalAddresses {
  private LocalAddresses() {}

  /** Every usable unicast address of every interface that is up, with {@code port}. */
  public static List<InetSocketAddress> all(int port) {
    List<InetSocketAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress()) {
            continue;
          }
          InetAddress plain = a instanceof Inet6Address ? InetAddress.getByAddress(a.getAddress()) : a;
          out.add(new InetSocketAddress(plain, port));
        }
      }
    } catch (SocketException | java.net.UnknownHostException e) {
      throw new IllegalStateException("cannot list network interfaces: " + e.getMessage(), e);
    }
    return out;
  }
}
