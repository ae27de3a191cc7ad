package io.zt4j.stack.socket.icmp;

import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.IpAddress;

/**
 * The outcome of one echo request: a reply (with its round-trip time, source and hop limit), or
 * an error ({@link SocketError#TIMED_OUT}, {@code HOST_UNREACHABLE}… — then {@code from} is the
 * reporting host, or null).
 *
 * @param sequence the request's sequence number
 * @param error null for a reply
 * @param rttNanos reply time minus send time (for errors: when the error arrived)
 * @param dataLength the echoed payload length
 */
public record PingReply(int sequence, IpAddress from, SocketError error, long rttNanos, int hopLimit, int dataLength) {
  public boolean ok() {
    return error == null;
  }
}
