package io.zt4j.controller.model;

import io.zt4j.controller.net.IpAddress;
import java.util.List;

/** DNS settings pushed to members: search domain and up to four servers. */
public record Dns(String domain, List<IpAddress> servers) {
  public Dns {
    domain = domain == null ? "" : domain;
    servers = List.copyOf(servers);
  }
}
