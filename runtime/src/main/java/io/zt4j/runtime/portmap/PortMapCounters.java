package io.zt4j.runtime.portmap;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a {@link PortMapper} did and dropped, counted; and failures logged once each (a router
 * that does not speak NAT-PMP would otherwise log every few minutes forever). Any thread.
 */
public final class PortMapCounters {
  /** One counter. */
  public enum Counter {
    /** NAT-PMP datagrams sent (retransmissions included). */
    NATPMP_REQUESTS,
    /** NAT-PMP replies accepted. */
    NATPMP_REPLIES,
    /** NAT-PMP replies dropped: truncated, oversized, other version or opcode. */
    NATPMP_MALFORMED,
    /** Datagrams from anything but the gateway's port 5351 (RFC 6886 §3.1). */
    NATPMP_WRONG_SOURCE,
    /** NAT-PMP replies with a non-zero result code. */
    NATPMP_ERRORS,
    /** NAT-PMP requests that got no answer after every retransmission. */
    NATPMP_TIMEOUTS,
    /** SSDP M-SEARCH datagrams sent. */
    SSDP_REQUESTS,
    /** SSDP responses read. */
    SSDP_REPLIES,
    /** UPnP replies dropped as malformed (SSDP headers, description XML, SOAP body). */
    UPNP_MALFORMED,
    /** UPnP replies dropped for exceeding their size limit. */
    UPNP_OVERSIZED,
    /** UPnP URLs refused: not http, or not at the host that answered the SSDP search. */
    UPNP_REJECTED,
    /** SOAP calls answered with a fault or an HTTP error. */
    UPNP_SOAP_ERRORS,
    /** Mappings made (first time or after a loss). */
    MAPPINGS,
    /** Mappings renewed. */
    RENEWALS,
    /** Renewals that failed (the mapping is then made again from scratch). */
    RENEWAL_FAILURES,
    /** Mappings deleted at stop. */
    DELETIONS,
    /** Rounds in which no protocol could map the port. */
    FAILURES
  }

  private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private final System.Logger log = System.getLogger("io.zt4j.runtime.portmap");

  void add(Counter c) {
    values.incrementAndGet(c.ordinal());
  }

  /** The current value of {@code c}. */
  public long get(Counter c) {
    return values.get(c.ordinal());
  }

  /** A snapshot of every counter. */
  public Map<Counter, Long> snapshot() {
    Map<Counter, Long> m = new EnumMap<>(Counter.class);
    for (Counter c : Counter.values()) {
      m.put(c, get(c));
    }
    return m;
  }

  /** Counts {@code c} and logs {@code message} the first time {@code key} is seen. */
  void fail(Counter c, String key, String message) {
    add(c);
    once(key, message);
  }

  void once(String key, String message) {
    if (logged.size() < 256 && logged.add(key)) {
      log.log(System.Logger.Level.INFO, "port mapping: " + message);
    }
  }

  void info(String message) {
    log.log(System.Logger.Level.INFO, "port mapping: " + message);
  }
}
