package io.zt4j.testkit.simnet;

/**
 * What a simulated NAT does, in the terms of RFC 4787 ("NAT Behavioral Requirements for Unicast
 * UDP").
 *
 * <ul>
 *   <li>{@link Mapping}: when an inside endpoint sends to a new remote, is the existing public
 *       port reused (endpoint-independent, §4.1) or a new one taken (address(-and-port)-dependent)?
 *   <li>{@link Filtering}: which outside senders may reach a mapping (§5): anyone, only remote
 *       addresses the inside endpoint has sent to, or only exact remote address:port pairs.
 *   <li>hairpinning (§6): whether a datagram from inside to the NAT's own public address:port is
 *       looped back inside.
 *   <li>mapping timeout (§4.3): an idle mapping (and the filter permissions it holds) is
 *       forgotten after this long; outbound traffic refreshes it, inbound only if
 *       {@code inboundRefresh}.
 * </ul>
 *
 * <p>The four classic types are presets: {@link #fullCone()}, {@link #addressRestricted()},
 * {@link #portRestricted()}, {@link #symmetric()}.
 */
public record NatBehavior(
    Mapping mapping,
    Filtering filtering,
    PortAllocation portAllocation,
    boolean hairpinning,
    long mappingTimeoutMillis,
    boolean inboundRefresh) {

  /** RFC 4787 §4.1 mapping behaviours. */
  public enum Mapping {
    ENDPOINT_INDEPENDENT,
    ADDRESS_DEPENDENT,
    ADDRESS_AND_PORT_DEPENDENT
  }

  /** RFC 4787 §5 filtering behaviours. */
  public enum Filtering {
    ENDPOINT_INDEPENDENT,
    ADDRESS_DEPENDENT,
    ADDRESS_AND_PORT_DEPENDENT
  }

  /** How a public port is chosen for a new mapping. */
  public enum PortAllocation {
    /** Keep the inside port if free (RFC 4787 §4.2.1 "port preservation"), else the next free. */
    PRESERVE,
    /** A uniformly random free port from the network's seeded random source. */
    RANDOM
  }

  /** RFC 4787 REQ-5: at least 2 minutes; common defaults are a few minutes. */
  public static final long DEFAULT_MAPPING_TIMEOUT_MILLIS = 120_000;

  public NatBehavior {
    if (mapping == null || filtering == null || portAllocation == null) {
      throw new IllegalArgumentException("null behaviour");
    }
    if (mappingTimeoutMillis <= 0) {
      throw new IllegalArgumentException("mapping timeout must be positive");
    }
  }

  /** Endpoint-independent mapping and filtering: anyone may send to a mapping. */
  public static NatBehavior fullCone() {
    return new NatBehavior(Mapping.ENDPOINT_INDEPENDENT, Filtering.ENDPOINT_INDEPENDENT,
        PortAllocation.PRESERVE, false, DEFAULT_MAPPING_TIMEOUT_MILLIS, false);
  }

  /** Endpoint-independent mapping; only addresses the inside host sent to may answer. */
  public static NatBehavior addressRestricted() {
    return new NatBehavior(Mapping.ENDPOINT_INDEPENDENT, Filtering.ADDRESS_DEPENDENT,
        PortAllocation.PRESERVE, false, DEFAULT_MAPPING_TIMEOUT_MILLIS, false);
  }

  /** Endpoint-independent mapping; only exact address:port pairs the inside host sent to. */
  public static NatBehavior portRestricted() {
    return new NatBehavior(Mapping.ENDPOINT_INDEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT,
        PortAllocation.PRESERVE, false, DEFAULT_MAPPING_TIMEOUT_MILLIS, false);
  }

  /**
   * A new random public port for every remote address:port, and only that remote may answer.
   * No port prediction can reach such a mapping from a remote it was not made for.
   */
  public static NatBehavior symmetric() {
    return new NatBehavior(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT,
        PortAllocation.RANDOM, false, DEFAULT_MAPPING_TIMEOUT_MILLIS, false);
  }

  public NatBehavior withHairpinning(boolean on) {
    return new NatBehavior(mapping, filtering, portAllocation, on, mappingTimeoutMillis, inboundRefresh);
  }

  public NatBehavior withMappingTimeout(long millis) {
    return new NatBehavior(mapping, filtering, portAllocation, hairpinning, millis, inboundRefresh);
  }

  public NatBehavior withPortAllocation(PortAllocation allocation) {
    return new NatBehavior(mapping, filtering, allocation, hairpinning, mappingTimeoutMillis, inboundRefresh);
  }

  public NatBehavior withInboundRefresh(boolean on) {
    return new NatBehavior(mapping, filtering, portAllocation, hairpinning, mappingTimeoutMillis, on);
  }

  /** Short name of the classic type this matches, or a description. */
  public String label() {
    String base;
    if (mapping == Mapping.ENDPOINT_INDEPENDENT) {
      base = switch (filtering) {
        case ENDPOINT_INDEPENDENT -> "full-cone";
        case ADDRESS_DEPENDENT -> "address-restricted";
        case ADDRESS_AND_PORT_DEPENDENT -> "port-restricted";
      };
    } else if (mapping == Mapping.ADDRESS_AND_PORT_DEPENDENT
        && filtering == Filtering.ADDRESS_AND_PORT_DEPENDENT) {
      base = "symmetric";
    } else {
      base = mapping + "/" + filtering;
    }
    return hairpinning ? base + "+hairpin" : base;
  }
}
