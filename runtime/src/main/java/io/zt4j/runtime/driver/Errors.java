package io.zt4j.runtime.driver;

import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.tcp.TcpError;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * Maps the stack's error codes to the exceptions, and messages, the JDK's own socket
 * implementation throws for the same situation on Linux, so code written against
 * {@code java.net} behaves the same on a virtual network.
 */
public final class Errors {
  private Errors() {}

  /** A failed connection attempt ({@code connect()}). */
  public static IOException connect(TcpError e) {
    return switch (e) {
      case REFUSED -> new ConnectException("Connection refused");
      case TIMED_OUT -> new ConnectException("Connection timed out");
      case UNREACHABLE -> new NoRouteToHostException("No route to host");
      case ADDRESS_IN_USE -> new BindException("Address already in use");
      case RESET -> new ConnectException("Connection reset");
      default -> new ConnectException("Connection failed: " + e);
    };
  }

  /** A read on a connection that failed. */
  public static IOException read(TcpError e) {
    return switch (e) {
      case RESET, REFUSED -> new SocketException("Connection reset");
      case TIMED_OUT -> new SocketException("Connection timed out");
      case UNREACHABLE -> new NoRouteToHostException("No route to host");
      default -> new SocketException("Socket closed");
    };
  }

  /** A write on a connection that failed. */
  public static IOException write(TcpError e) {
    return switch (e) {
      case RESET, REFUSED -> new SocketException("Connection reset by peer");
      case TIMED_OUT -> new SocketException("Connection timed out");
      case UNREACHABLE -> new NoRouteToHostException("No route to host");
      case SHUT_DOWN -> new SocketException("Broken pipe");
      default -> new SocketException("Socket closed");
    };
  }

  /** A datagram or bind operation that the stack refused with {@code code} (< 0). */
  public static IOException socket(int code) {
    SocketError e = SocketError.of(code);
    return switch (e) {
      case ADDRESS_IN_USE -> new BindException("Address already in use");
      case ADDRESS_NOT_AVAILABLE -> new BindException("Cannot assign requested address");
      case CONNECTION_REFUSED -> new PortUnreachableException("ICMP Port Unreachable");
      case NO_ROUTE, NETWORK_UNREACHABLE -> new NoRouteToHostException("Network is unreachable");
      case HOST_UNREACHABLE -> new NoRouteToHostException("No route to host");
      case MESSAGE_TOO_BIG -> new SocketException("Message too long");
      case BROADCAST_NOT_ALLOWED -> new SocketException("Permission denied");
      case NO_BUFFER_SPACE -> new SocketException("No buffer space available");
      case NO_PORTS -> new BindException("Address already in use");
      case CLOSED -> new SocketException("Socket closed");
      case NOT_CONNECTED -> new SocketException("Socket is not connected");
      case INVALID_ARGUMENT -> new SocketException("Invalid argument");
      default -> new SocketException(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    };
  }
}
