package io.zt4j.runtime.portmap;

import io.zt4j.runtime.portmap.PortMapCounters.Counter;
import io.zt4j.runtime.portmap.PortMapper.Mapping;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A UPnP IGD client (what ZeroTier One does with miniupnpc), for the {@link PortMapper} thread:
 * SSDP M-SEARCH for an Internet Gateway Device, its description, then the WANIPConnection (or
 * WANPPPConnection) service's {@code GetExternalIPAddress} and {@code AddPortMapping} with the
 * internal port as the external port (the next ones on conflict, like ZeroTier One); renewal is
 * the same {@code AddPortMapping} again; stop sends {@code DeletePortMapping}.
 *
 * <p>Defences against the LAN: the description and control URLs must be http at the very address
 * that answered the search (a responder cannot point us at another host); responses are size
 * limited ({@link Upnp}); XML never reads a DOCTYPE; the external address must be an IPv4
 * literal (never resolved). What fails is counted and logged once.
 */
final class UpnpClient implements PortMapper.Protocol {
  static final int PORT_TRIES = 8;
  /** Responses read per search (the first usable gateway wins). */
  static final int MAX_RESPONSES = 16;

  private final PortMapper.Config config;
  private final PortMapCounters counters;
  private final String description;
  private final BooleanSupplier running;
  private final MiniHttp http = new MiniHttp();
  private volatile DatagramSocket ssdp;
  private Gateway gateway;

  /** A gateway that answered: its service, and our LAN address as it sees it. */
  private record Gateway(Upnp.Service service, InetAddress lanAddress) {}

  UpnpClient(PortMapper.Config config, PortMapCounters counters, String description, BooleanSupplier running) {
    this.config = config;
    this.counters = counters;
    this.description = description;
    this.running = running;
  }

  @Override
  public String name() {
    return "UPnP";
  }

  @Override
  public Optional<Mapping> map(int internalPort, int lifetimeSeconds) {
    gateway = null;
    for (URI location : discover()) {
      if (!running.getAsBoolean()) {
        return Optional.empty();
      }
      for (Upnp.Service s : services(location)) {
        Optional<Inet4Address> ext = externalAddress(s);
        if (ext.isEmpty()) {
          continue;
        }
        Gateway g = new Gateway(s, lanAddressToward(s.controlUrl()));
        for (int i = 0; i < PORT_TRIES && running.getAsBoolean(); i++) {
          int external = internalPort + i > 65535 ? internalPort + i - 65535 + 1024 : internalPort + i;
          Optional<Long> lease = add(g, external, internalPort, lifetimeSeconds);
          if (lease.isPresent()) {
            gateway = g;
            return Optional.of(mapping(ext.get(), external, internalPort, lease.get(), lifetimeSeconds));
          }
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<Mapping> renew(Mapping m, int lifetimeSeconds) {
    Gateway g = gateway;
    if (g == null) {
      return Optional.empty();
    }
    Optional<Inet4Address> ext = externalAddress(g.service());
    if (ext.isEmpty()) {
      return Optional.empty();
    }
    return add(g, m.external().getPort(), m.internalPort(), lifetimeSeconds)
        .map(lease -> mapping(ext.get(), m.external().getPort(), m.internalPort(), lease, lifetimeSeconds));
  }

  @Override
  public boolean unmap(Mapping m) {
    Gateway g = gateway;
    if (g == null) {
      return false;
    }
    return soap(g.service(), "DeletePortMapping", "NewRemoteHost", "", "NewExternalPort",
        Integer.toString(m.external().getPort()), "NewProtocol", "UDP").isPresent();
  }

  @Override
  public void abort() {
    DatagramSocket s = ssdp;
    if (s != null) {
      s.close();
    }
    http.abort();
  }

  /** A lease of 0 (permanent) is renewed like a lease of the configured lifetime. */
  private static Mapping mapping(Inet4Address ip, int external, int internal, long lease, int lifetimeSeconds) {
    return new Mapping(new InetSocketAddress(ip, external), internal, lease == 0 ? lifetimeSeconds : lease);
  }

  /** SSDP search: the description URLs of the gateways that answered, each at its own address. */
  private List<URI> discover() {
    Set<URI> out = new LinkedHashSet<>();
    InetSocketAddress target = config.ssdpTarget();
    try (DatagramSocket s = open(target)) {
      ssdp = s;
      String host = target.getAddress().getHostAddress() + ":" + target.getPort();
      for (String st : List.of(Upnp.ST_IGD1, Upnp.ST_IGD2)) {
        byte[] q = Upnp.mSearch(host, st);
        s.send(new DatagramPacket(q, q.length, target));
        counters.add(Counter.SSDP_REQUESTS);
      }
      byte[] buf = new byte[Upnp.MAX_SSDP_BYTES + 1];
      // gateways answer within MX (2 s) of the search: wait 10 request timeouts (2.5 s by default)
      long until = System.nanoTime() + Math.max(config.requestTimeoutMillis() * 10L, 200) * 1_000_000L;
      for (int n = 0; n < MAX_RESPONSES; ) {
        long left = (until - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        s.setSoTimeout((int) left);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          s.receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        n++;
        counters.add(Counter.SSDP_REPLIES);
        if (p.getLength() > Upnp.MAX_SSDP_BYTES) {
          counters.fail(Counter.UPNP_OVERSIZED, "ssdp-size", "oversized SSDP response dropped");
          continue;
        }
        Optional<URI> loc = Upnp.ssdpLocation(buf, p.getLength());
        if (loc.isEmpty()) {
          counters.fail(Counter.UPNP_MALFORMED, "ssdp-malformed", "SSDP response without a usable LOCATION dropped");
          continue;
        }
        if (!atHost(loc.get(), p.getAddress())) {
          counters.fail(Counter.UPNP_REJECTED, "ssdp-elsewhere", "SSDP response from " + p.getAddress().getHostAddress()
              + " pointing at another host (" + loc.get().getHost() + ") ignored");
          continue;
        }
        out.add(loc.get());
      }
    } catch (IOException e) {
      counters.once("ssdp-socket", "SSDP search failed: " + e.getMessage());
    } finally {
      ssdp = null;
    }
    if (out.isEmpty()) {
      counters.once("ssdp-none", "no UPnP gateway answered the SSDP search at " + PortMapper.format(target));
    }
    return new ArrayList<>(out);
  }

  private static DatagramSocket open(InetSocketAddress target) throws IOException {
    if (target.getAddress().isLoopbackAddress()) {
      return new DatagramSocket(new InetSocketAddress(target.getAddress(), 0));
    }
    if (target.getAddress().isMulticastAddress()) {
      MulticastSocket m = new MulticastSocket(new InetSocketAddress(0));
      m.setTimeToLive(2); // miniupnpc's TTL: the gateway is on this LAN
      return m;
    }
    return new DatagramSocket(new InetSocketAddress(0));
  }

  /** The WAN services of the description at {@code location}, whose control URLs stay at that host. */
  private List<Upnp.Service> services(URI location) {
    Optional<byte[]> body = get(location);
    if (body.isEmpty()) {
      return List.of();
    }
    Optional<List<Upnp.Service>> services = Upnp.services(body.get(), location);
    if (services.isEmpty()) {
      counters.fail(Counter.UPNP_MALFORMED, "desc-xml", "UPnP description at " + location + " is not acceptable XML");
      return List.of();
    }
    List<Upnp.Service> ok = new ArrayList<>();
    for (Upnp.Service s : services.get()) {
      if ("http".equals(s.controlUrl().getScheme()) && sameHost(s.controlUrl(), location)) {
        ok.add(s);
      } else {
        counters.fail(Counter.UPNP_REJECTED, "control-elsewhere", "UPnP control URL " + s.controlUrl() + " not at the gateway ignored");
      }
    }
    if (ok.isEmpty()) {
      counters.once("desc-noservice", "UPnP device at " + location + " has no WANIPConnection/WANPPPConnection service");
    }
    return ok;
  }

  private Optional<byte[]> get(URI url) {
    try {
      MiniHttp.Response r = http.exchange("GET", url, "", null, Upnp.MAX_DESCRIPTION_BYTES, timeoutMillis());
      if (r.status() != 200) {
        counters.fail(Counter.UPNP_MALFORMED, "desc-status", "UPnP description at " + url + ": HTTP " + r.status());
        return Optional.empty();
      }
      return Optional.of(r.body());
    } catch (MiniHttp.Oversized e) {
      counters.fail(Counter.UPNP_OVERSIZED, "desc-size", "UPnP description at " + url + " dropped: " + e.getMessage());
    } catch (MiniHttp.Malformed e) {
      counters.fail(Counter.UPNP_MALFORMED, "desc-http", "UPnP description at " + url + " dropped: " + e.getMessage());
    } catch (IOException e) {
      counters.once("desc-io-" + url, "UPnP description at " + url + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private Optional<Inet4Address> externalAddress(Upnp.Service s) {
    Optional<byte[]> r = soap(s, "GetExternalIPAddress");
    if (r.isEmpty()) {
      return Optional.empty();
    }
    Optional<Inet4Address> ip = Upnp.soapValue(r.get(), "NewExternalIPAddress").flatMap(Upnp::ipv4Literal);
    if (ip.isEmpty()) {
      counters.fail(Counter.UPNP_MALFORMED, "soap-extip", "UPnP GetExternalIPAddress answer without an IPv4 address dropped");
      return Optional.empty();
    }
    if (ip.get().isAnyLocalAddress()) {
      counters.once("upnp-noaddress", "UPnP gateway has no external address yet");
      return Optional.empty();
    }
    return ip;
  }

  /** AddPortMapping with {@code lease} (falling back to a permanent one if that is all the router does). */
  private Optional<Long> add(Gateway g, int external, int internal, long lease) {
    for (long l : new long[] {lease, 0}) {
      int[] fault = {-1};
      Optional<byte[]> r = soap(g.service(), fault, "AddPortMapping", "NewRemoteHost", "", "NewExternalPort",
          Integer.toString(external), "NewProtocol", "UDP", "NewInternalPort", Integer.toString(internal),
          "NewInternalClient", g.lanAddress().getHostAddress(), "NewEnabled", "1",
          "NewPortMappingDescription", description, "NewLeaseDuration", Long.toString(l));
      if (r.isPresent()) {
        return Optional.of(l);
      }
      if (fault[0] != Upnp.ERROR_ONLY_PERMANENT_LEASES || l == 0) {
        break;
      }
    }
    return Optional.empty();
  }

  private Optional<byte[]> soap(Upnp.Service s, String action, String... args) {
    return soap(s, new int[1], action, args);
  }

  /** A SOAP call; the body of a 200 answer, or empty (a fault's UPnP error code in {@code fault[0]}). */
  private Optional<byte[]> soap(Upnp.Service s, int[] fault, String action, String... args) {
    byte[] body = Upnp.soapRequest(s.serviceType(), action, args);
    String headers = "Content-Type: text/xml; charset=\"utf-8\"\r\n"
        + "SOAPAction: \"" + s.serviceType() + "#" + action + "\"\r\n";
    try {
      MiniHttp.Response r = http.exchange("POST", s.controlUrl(), headers, body, Upnp.MAX_SOAP_BYTES, timeoutMillis());
      if (r.status() == 200) {
        if (Upnp.parse(r.body()).isEmpty()) {
          counters.fail(Counter.UPNP_MALFORMED, "soap-xml", "UPnP " + action + " answer is not acceptable XML");
          return Optional.empty();
        }
        return Optional.of(r.body());
      }
      fault[0] = Upnp.soapErrorCode(r.body());
      counters.fail(Counter.UPNP_SOAP_ERRORS, "soap-" + action + "-" + fault[0],
          "UPnP " + action + " failed: HTTP " + r.status() + (fault[0] >= 0 ? ", UPnP error " + fault[0] : ""));
    } catch (MiniHttp.Oversized e) {
      counters.fail(Counter.UPNP_OVERSIZED, "soap-size", "UPnP " + action + " answer dropped: " + e.getMessage());
    } catch (MiniHttp.Malformed e) {
      counters.fail(Counter.UPNP_MALFORMED, "soap-http", "UPnP " + action + " answer dropped: " + e.getMessage());
    } catch (IOException e) {
      counters.once("soap-io-" + action, "UPnP " + action + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private int timeoutMillis() {
    return Math.max(config.requestTimeoutMillis() * 8, 500);
  }

  /** Our address on the way to {@code url}'s host (connecting a UDP socket sends nothing). */
  private static InetAddress lanAddressToward(URI url) {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(url.getHost()).isLoopbackAddress()
        ? InetAddress.getByName(url.getHost()) : null)) {
      s.connect(InetAddress.getByName(url.getHost()), 9);
      return s.getLocalAddress();
    } catch (IOException e) {
      return InetAddress.getLoopbackAddress();
    }
  }

  /** Whether {@code url}'s host is the literal address {@code from} (no name is resolved). */
  private static boolean atHost(URI url, InetAddress from) {
    String h = url.getHost();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals(from.getHostAddress()) || Upnp.ipv4Literal(h).map(from::equals).orElse(false);
  }

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost());
  }
}
