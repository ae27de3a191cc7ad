package io.zt4j.sockets;

import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;

/** Maps the typed {@link StandardSocketOptions} to the legacy {@link SocketOptions} ids. */
final class SocketOptionIds {
  private SocketOptionIds() {}

  static int of(SocketOption<?> name) throws SocketException {
    if (name == StandardSocketOptions.TCP_NODELAY) {
      return SocketOptions.TCP_NODELAY;
    } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
      return SocketOptions.SO_KEEPALIVE;
    } else if (name == StandardSocketOptions.SO_LINGER) {
      return SocketOptions.SO_LINGER;
    } else if (name == StandardSocketOptions.SO_SNDBUF) {
      return SocketOptions.SO_SNDBUF;
    } else if (name == StandardSocketOptions.SO_RCVBUF) {
      return SocketOptions.SO_RCVBUF;
    } else if (name == StandardSocketOptions.SO_REUSEADDR) {
      return SocketOptions.SO_REUSEADDR;
    } else if (name == StandardSocketOptions.IP_TOS) {
      return SocketOptions.IP_TOS;
    } else if (name == StandardSocketOptions.SO_BROADCAST) {
      return SocketOptions.SO_BROADCAST;
    }
    throw new UnsupportedOperationException("'" + name + "' not supported");
  }
}
