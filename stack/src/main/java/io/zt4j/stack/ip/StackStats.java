package io.zt4j.stack.ip;

import io.zt4j.stack.wire.WireError;
import java.util.Map;

/**
 * Counters of one stack: traffic, and every dropped packet with its reason. Untrusted input that
 * a layer rejects is counted here (by layer and {@link WireError}, or by {@link Counter}), never
 * thrown. Plain longs, owner-thread only; readers on other threads may see stale values.
 */
public final class StackStats {
  /** Protocol layers that count malformed input. */
  public enum Layer { ETHERNET, ARP, IPV4, IPV6, ICMPV4, ICMPV6, UDP, TCP }

  /** Traffic and drop counters. Names say which is which. */
  public enum Counter {
    FRAMES_IN,
    FRAMES_OUT,
    /** Frame for another station's MAC, or a multicast group we did not join. */
    DROP_NOT_OUR_MAC,
    DROP_UNKNOWN_ETHERTYPE,
    /** Frame sent by our own MAC (a loop). */
    DROP_OWN_FRAME,
    ARP_IN,
    ARP_OUT,
    DROP_ARP_NOT_FOR_US,
    IP_IN,
    IP_OUT,
    /** Destination is not one of our addresses or groups. */
    DROP_IP_NOT_FOR_US,
    /** Source is multicast, broadcast, unspecified where forbidden, or v4-mapped in IPv6. */
    DROP_IP_BAD_SOURCE,
    /** No handler for the IP protocol. */
    DROP_IP_UNKNOWN_PROTOCOL,
    /** IPv6 option/extension header said to discard. */
    DROP_IPV6_OPTION,
    FRAGMENTS_IN,
    REASSEMBLED,
    DROP_FRAGMENT_OVERLAP,
    DROP_FRAGMENT_TOO_BIG,
    DROP_FRAGMENT_TIMEOUT,
    /** Reassembly memory or datagram limit reached. */
    DROP_FRAGMENT_NO_MEMORY,
    FRAGMENTS_OUT,
    ICMP_IN,
    ICMP_OUT,
    ICMP_ERRORS_OUT,
    /** An ICMP error we would have sent was suppressed by the rate limit. */
    ICMP_RATE_LIMITED,
    DROP_ICMP_UNHANDLED,
    NDP_IN,
    NDP_OUT,
    /** NDP message failing RFC 4861 validation (hop limit 255, code, options…). */
    DROP_NDP_INVALID,
    /** Packets dropped while a neighbor did not resolve, or over the pending queue limit. */
    DROP_NEIGHBOR_UNRESOLVED,
    DROP_NO_ROUTE,
    /** Sent to our own address and delivered through the loopback queue. */
    LOOPBACK,
    UDP_IN,
    UDP_OUT,
    DROP_UDP_NO_SOCKET,
    /** A socket's receive queue was full. */
    DROP_UDP_RECEIVE_QUEUE_FULL,
    /** TCP counters are defined by the TCP layer's own stats; this one counts handler drops. */
    DROP_TRANSPORT
  }

  private final long[] counters = new long[Counter.values().length];
  private final long[][] malformed = new long[Layer.values().length][WireError.values().length];

  public void count(Counter c) {
    counters[c.ordinal()]++;
  }

  public void count(Counter c, long n) {
    counters[c.ordinal()] += n;
  }

  public void malformed(Layer layer, WireError e) {
    malformed[layer.ordinal()][e.ordinal()]++;
  }

  public long get(Counter c) {
    return counters[c.ordinal()];
  }

  public long malformedCount(Layer layer, WireError e) {
    return malformed[layer.ordinal()][e.ordinal()];
  }

  /** All malformed input seen at this layer. */
  public long malformedCount(Layer layer) {
    long n = 0;
    for (long v : malformed[layer.ordinal()]) {
      n += v;
    }
    return n;
  }

  /** Non-zero counters, for logs and test failure messages. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    for (Counter c : Counter.values()) {
      if (counters[c.ordinal()] != 0) {
        m.put(c.name(), counters[c.ordinal()]);
      }
    }
    for (Layer l : Layer.values()) {
      for (WireError e : WireError.values()) {
        long v = malformed[l.ordinal()][e.ordinal()];
        if (v != 0) {
          m.put("MALFORMED_" + l + "_" + e, v);
        }
      }
    }
    return m;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
