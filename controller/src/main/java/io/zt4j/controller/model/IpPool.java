package io.zt4j.controller.model;

import io.zt4j.controller.net.IpAddress;

/** An IP assignment pool: addresses {@code start..end} (same family) the controller may hand out. */
public record IpPool(IpAddress start, IpAddress end) {
  public IpPool {
    if (start.isV4() != end.isV4()) {
      throw new IllegalArgumentException("pool ends of different families: " + start + ", " + end);
    }
    start = start.withPort(0);
    end = end.withPort(0);
  }
}
