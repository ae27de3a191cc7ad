package io.zt4j.controller.model;

import io.zt4j.controller.net.IpAddress;

/**
 * A managed route: {@code target} network (its port field is the prefix length) reached through
 * {@code via}, or directly on the virtual network when {@code via} is {@code null}.
 */
public record Route(IpAddress target, IpAddress via) {
  public Route {
    if (via != null && via.isV4() != target.isV4()) {
      throw new IllegalArgumentException("route via of another family than its target");
    }
    if (!target.prefixValid()) {
      throw new IllegalArgumentException("route target prefix too long: " + target);
    }
    if (via != null) {
      via = via.withPort(0);
    }
  }
}
