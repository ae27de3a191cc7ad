package io.zt4j.testkit.simnet;

import java.net.InetSocketAddress;

/**
 * One UDP datagram in flight. Immutable; the payload array is never modified after sending
 * (each receiver gets its own copy).
 *
 * @param source where it appears to come from at its current position (rewritten by NATs)
 * @param destination where it is going (rewritten by NATs on the way in)
 * @param payload the UDP payload
 * @param ttl remaining IP hop limit; a router that would decrement it to zero drops it
 */
public record Datagram(InetSocketAddress source, InetSocketAddress destination, byte[] payload, int ttl) {

  /** The same datagram with other addresses (what a NAT emits). */
  Datagram rewrite(InetSocketAddress newSource, InetSocketAddress newDestination) {
    return new Datagram(newSource, newDestination, payload, ttl);
  }

  Datagram hop() {
    return new Datagram(source, destination, payload, ttl - 1);
  }

  @Override
  public String toString() {
    return source + " -> " + destination + " (" + payload.length + " bytes, ttl " + ttl + ")";
  }
}
