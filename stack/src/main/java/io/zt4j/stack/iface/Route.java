package io.zt4j.stack.iface;

import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpPrefix;

/**
 * A configured route on an interface: packets to {@code target} go to {@code via} (a gateway on
 * the link) or, when {@code via} is null, straight to the destination on the link. Lower
 * {@code metric} wins among equal prefix lengths. (ZeroTier network configs carry exactly these:
 * target, optional via, metric.)
 */
public record Route(IpPrefix target, IpAddress via, int metric) {
  public Route {
    if (via != null && via.isV4() != target.address().isV4()) {
      throw new IllegalArgumentException("gateway family differs from target: " + this);
    }
    target = target.network();
  }

  public static Route onLink(IpPrefix target) {
    return new Route(target, null, 0);
  }

  public static Route via(IpPrefix target, IpAddress gateway) {
    return new Route(target, gateway, 0);
  }

  /** The default route of the gateway's family. */
  public static Route defaultVia(IpAddress gateway) {
    return new Route(IpPrefix.parse(gateway.isV4() ? "0.0.0.0/0" : "::/0"), gateway, 0);
  }
}
