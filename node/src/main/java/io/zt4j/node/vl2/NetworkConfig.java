package io.zt4j.node.vl2;

import io.zt4j.node.identity.Address;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A network configuration as a controller issues it and a member stores it
 * ({@code networks.d/<nwid>.conf}): a {@link Dictionary} with these keys, in this order
 * (numbers as 16 hex digits, addresses as 10, binary values escaped):
 *
 * <pre>
 *  v     format version (7)            nwid  network id        ts    timestamp (ms)
 *  ctmd  credential time max delta     r     revision          id    issued-to address
 *  tt    remote trace target           tl    remote trace level
 *  f     flags (2 broadcast, 4 NDP emulation, 8 rules-result-of-unsupported-match, 16 no compression)
 *  ml    multicast limit               t     type (0 private, 1 public)
 *  n     name (UTF-8)                  mtu   MTU
 *  C     certificate of membership     CAP   capabilities      TAG   tags
 *  COO   certificates of ownership     S     specialists (u64 each: flags in the high bits | address)
 *  RT    routes: (target InetAddress, via InetAddress, flags u16, metric u16)*
 *  I     static IPs: InetAddress* (port = prefix length)
 *  R     rules (see {@link Rules})     DNS   domain (128 bytes, NUL padded) + 4 InetAddress
 *  ssov  SSO version                   ssoe  SSO enabled (0/1), then aurl/aexpt (v0) when enabled
 * </pre>
 *
 * Encoding gives ZeroTier One's bytes; decoding reads untrusted bytes (bounds-checked, dropped
 * with a reason, never throwing). Capabilities and tags are carried as their encoded bytes.
 * Immutable.
 */
public record NetworkConfig(
    long networkId,
    long timestamp,
    long credentialTimeMaxDelta,
    long revision,
    long issuedTo,
    long remoteTraceTarget,
    int remoteTraceLevel,
    long flags,
    long multicastLimit,
    int type,
    String name,
    int mtu,
    CertificateOfMembership com,
    byte[] capabilities,
    byte[] tags,
    List<CertificateOfOwnership> certificatesOfOwnership,
    List<Long> specialists,
    List<Route> routes,
    List<InetAddress> staticIps,
    List<Rule> rules,
    Dns dns,
    long ssoVersion,
    boolean ssoEnabled,
    String authenticationUrl,
    long authenticationExpiryTime) {

  /** Format version written ({@code ZT_NETWORKCONFIG_VERSION}). */
  public static final int VERSION = 7;
  public static final long FLAG_ENABLE_BROADCAST = 0x2;
  public static final long FLAG_ENABLE_IPV6_NDP_EMULATION = 0x4;
  public static final long FLAG_RULES_RESULT_OF_UNSUPPORTED_MATCH = 0x8;
  public static final long FLAG_DISABLE_COMPRESSION = 0x10;
  public static final int TYPE_PRIVATE = 0;
  public static final int TYPE_PUBLIC = 1;
  public static final long SPECIALIST_ACTIVE_BRIDGE = 0x0000020000000000L;
  public static final long SPECIALIST_ANCHOR = 0x0000040000000000L;
  public static final long SPECIALIST_MULTICAST_REPLICATOR = 0x0000080000000000L;
  /** Default credential time window: 30 minutes. */
  public static final long DEFAULT_CREDENTIAL_TIME_MAX_DELTA = 30 * 60_000L;
  public static final int MIN_MTU = 1280;
  public static final int MAX_MTU = 10000;
  public static final int DEFAULT_MTU = 2800;
  public static final int MAX_ROUTES = 128;
  public static final int MAX_STATIC_IPS = 32;
  public static final int MAX_RULES = 1024;
  public static final int MAX_SPECIALISTS = 256;
  public static final int MAX_CERTIFICATES_OF_OWNERSHIP = 4;
  public static final int MAX_DNS_SERVERS = 4;
  /** Longest name kept (ZeroTier's buffer holds 127 bytes and a NUL). */
  public static final int MAX_NAME_BYTES = 127;
  private static final int DNS_DOMAIN_BYTES = 128;

  /** A managed route: {@code via} is {@link InetAddress#NIL} for a route on the network itself. */
  public record Route(InetAddress target, InetAddress via, int flags, int metric) {}

  /** DNS settings: search domain and up to four servers. */
  public record Dns(String domain, List<InetAddress> servers) {
    public static final Dns NONE = new Dns("", List.of());

    public Dns {
      servers = List.copyOf(servers);
    }
  }

  public NetworkConfig {
    name = name == null ? "" : name;
    capabilities = capabilities == null ? new byte[0] : capabilities.clone();
    tags = tags == null ? new byte[0] : tags.clone();
    certificatesOfOwnership = List.copyOf(certificatesOfOwnership);
    specialists = List.copyOf(specialists);
    routes = List.copyOf(routes);
    staticIps = List.copyOf(staticIps);
    rules = List.copyOf(rules);
    dns = dns == null ? Dns.NONE : dns;
    authenticationUrl = authenticationUrl == null ? "" : authenticationUrl;
  }

  @Override
  public byte[] capabilities() {
    return capabilities.clone();
  }

  @Override
  public byte[] tags() {
    return tags.clone();
  }

  public boolean isPrivate() {
    return type == TYPE_PRIVATE;
  }

  public boolean enableBroadcast() {
    return (flags & FLAG_ENABLE_BROADCAST) != 0;
  }

  public boolean ndpEmulation() {
    return (flags & FLAG_ENABLE_IPV6_NDP_EMULATION) != 0;
  }

  /** Addresses of the specialists with {@code typeFlag} (e.g. {@link #SPECIALIST_ACTIVE_BRIDGE}). */
  public List<Long> specialistsOfType(long typeFlag) {
    List<Long> out = new ArrayList<>();
    for (long s : specialists) {
      if ((s & typeFlag) != 0) {
        out.add(s & 0xffffffffffL);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------- encoding

  /** The dictionary a controller sends (and a member stores). */
  public Dictionary toDictionary() {
    Dictionary.Builder d = Dictionary.builder(Dictionary.NETWORK_CONFIG_CAPACITY);
    d.addHex("v", VERSION);
    d.addHex("nwid", networkId);
    d.addHex("ts", timestamp);
    d.addHex("ctmd", credentialTimeMaxDelta);
    d.addHex("r", revision);
    d.add("id", Address.of(issuedTo).toString());
    d.add("tt", Address.of(remoteTraceTarget).toString());
    d.addHex("tl", remoteTraceLevel);
    d.addHex("f", flags);
    d.addHex("ml", multicastLimit);
    d.addHex("t", type);
    d.add("n", name);
    d.addHex("mtu", mtu);
    if (com != null) {
      d.add("C", com.serialize());
    }
    if (capabilities.length > 0) {
      d.add("CAP", capabilities);
    }
    if (tags.length > 0) {
      d.add("TAG", tags);
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    certificatesOfOwnership.forEach(c -> b.writeBytes(c.serialize()));
    addIfAny(d, "COO", b);
    for (long s : specialists) {
      byte[] x = new byte[8];
      CertificateOfOwnership.putU64(x, 0, s);
      b.writeBytes(x);
    }
    addIfAny(d, "S", b);
    for (Route r : routes) {
      b.writeBytes(r.target().serialize());
      b.writeBytes(r.via().serialize());
      b.write(r.flags() >>> 8);
      b.write(r.flags());
      b.write(r.metric() >>> 8);
      b.write(r.metric());
    }
    addIfAny(d, "RT", b);
    staticIps.forEach(ip -> b.writeBytes(ip.serialize()));
    addIfAny(d, "I", b);
    if (!rules.isEmpty()) {
      d.add("R", Rules.encode(rules));
    }
    byte[] domain = Arrays.copyOf(dns.domain().getBytes(StandardCharsets.UTF_8), DNS_DOMAIN_BYTES);
    domain[DNS_DOMAIN_BYTES - 1] = 0;
    b.writeBytes(domain);
    for (int i = 0; i < MAX_DNS_SERVERS; i++) {
      b.writeBytes((i < dns.servers().size() ? dns.servers().get(i) : InetAddress.NIL).serialize());
    }
    addIfAny(d, "DNS", b);
    d.addHex("ssov", ssoVersion);
    d.addBoolean("ssoe", ssoEnabled);
    if (ssoVersion == 0 && ssoEnabled) {
      if (!authenticationUrl.isEmpty()) {
        d.add("aurl", authenticationUrl);
      }
      d.addHex("aexpt", authenticationExpiryTime);
    }
    return d.build();
  }

  private static void addIfAny(Dictionary.Builder d, String key, ByteArrayOutputStream b) {
    if (b.size() > 0) {
      d.add(key, b.toByteArray());
    }
    b.reset();
  }

  // ------------------------------------------------------------------------------- decoding

  /** Decodes a config from its dictionary bytes. */
  public static Parsed<NetworkConfig> parse(byte[] bytes) {
    Parsed<Dictionary> d = Dictionary.parse(bytes, Dictionary.NETWORK_CONFIG_CAPACITY);
    if (d instanceof Parsed.Dropped<Dictionary> x) {
      return Parsed.dropped(x.reason(), "network config: " + x.detail());
    }
    return fromDictionary(d.value()).map(c -> (Parsed<NetworkConfig>) Parsed.ok(c, bytes.length))
        .orElseGet(() -> Parsed.dropped(DropReason.MALFORMED, "network config: invalid or unsupported fields"));
  }

  /** Reads a config; empty if a required field is missing or a binary field is malformed. */
  public static Optional<NetworkConfig> fromDictionary(Dictionary d) {
    long nwid = d.getHex("nwid", 0);
    long issuedTo = d.getHex("id", 0);
    if (nwid == 0 || issuedTo == 0 || d.getHex("v", 0) < 6) {
      return Optional.empty();
    }
    long mtu = d.getHex("mtu", DEFAULT_MTU);
    int clampedMtu = (int) Math.max(MIN_MTU, Math.min(MAX_MTU, mtu < 0 ? MAX_MTU : mtu));
    byte[] nameBytes = d.get("n").orElse(new byte[0]);
    int nul = indexOfNul(nameBytes);
    String name = new String(nameBytes, 0, Math.min(nul, MAX_NAME_BYTES), StandardCharsets.UTF_8);

    CertificateOfMembership com = null;
    Optional<byte[]> c = d.get("C");
    if (c.isPresent() && c.get().length > 0) {
      Parsed<CertificateOfMembership> p = CertificateOfMembership.parse(c.get(), 0, c.get().length);
      if (!p.isOk()) {
        return Optional.empty();
      }
      com = p.value();
    }

    List<CertificateOfOwnership> coos = new ArrayList<>();
    byte[] coo = d.get("COO").orElse(new byte[0]);
    for (int p = 0; p < coo.length; ) {
      Parsed<CertificateOfOwnership> x = CertificateOfOwnership.parse(coo, p, coo.length - p);
      if (!x.isOk()) {
        return Optional.empty();
      }
      if (coos.size() < MAX_CERTIFICATES_OF_OWNERSHIP) {
        coos.add(x.value());
      }
      p += x.length();
    }

    List<Long> specialists = new ArrayList<>();
    byte[] s = d.get("S").orElse(new byte[0]);
    for (int p = 0; p + 8 <= s.length && specialists.size() < MAX_SPECIALISTS; p += 8) {
      specialists.add(CertificateOfOwnership.u64(s, p));
    }

    List<Route> routes = new ArrayList<>();
    byte[] rt = d.get("RT").orElse(new byte[0]);
    for (int p = 0; p < rt.length && routes.size() < MAX_ROUTES; ) {
      Parsed<InetAddress> t = InetAddress.parse(rt, p, rt.length - p);
      if (!t.isOk()) {
        return Optional.empty();
      }
      p += t.length();
      Parsed<InetAddress> v = InetAddress.parse(rt, p, rt.length - p);
      if (!v.isOk() || rt.length - p - v.length() < 4) {
        return Optional.empty();
      }
      p += v.length();
      routes.add(new Route(t.value(), v.value(), CertificateOfOwnership.u16(rt, p), CertificateOfOwnership.u16(rt, p + 2)));
      p += 4;
    }

    List<InetAddress> ips = new ArrayList<>();
    byte[] ib = d.get("I").orElse(new byte[0]);
    for (int p = 0; p < ib.length && ips.size() < MAX_STATIC_IPS; ) {
      Parsed<InetAddress> a = InetAddress.parse(ib, p, ib.length - p);
      if (!a.isOk()) {
        return Optional.empty();
      }
      ips.add(a.value());
      p += a.length();
    }

    List<Rule> rules = List.of();
    Optional<byte[]> r = d.get("R");
    if (r.isPresent()) {
      rules = Rules.decode(r.get(), 0, r.get().length, MAX_RULES);
      if (rules == null) {
        return Optional.empty();
      }
    }

    Dns dns = Dns.NONE;
    Optional<byte[]> dn = d.get("DNS");
    if (dn.isPresent() && dn.get().length > 0) {
      byte[] x = dn.get();
      if (x.length < DNS_DOMAIN_BYTES) {
        return Optional.empty();
      }
      int end = Math.min(indexOfNul(x), DNS_DOMAIN_BYTES - 1);
      String domain = new String(x, 0, end, StandardCharsets.UTF_8);
      List<InetAddress> servers = new ArrayList<>();
      int p = DNS_DOMAIN_BYTES;
      for (int i = 0; i < MAX_DNS_SERVERS && p < x.length; i++) {
        Parsed<InetAddress> a = InetAddress.parse(x, p, x.length - p);
        if (!a.isOk()) {
          return Optional.empty();
        }
        if (!a.value().isNil()) {
          servers.add(a.value());
        }
        p += a.length();
      }
      dns = new Dns(domain, servers);
    }

    long ssoVersion = d.getHex("ssov", 0);
    boolean ssoEnabled = d.getBoolean("ssoe", false);
    String aurl = ssoEnabled ? d.get("aurl").map(v -> new String(v, StandardCharsets.UTF_8)).orElse("") : "";
    long aexpt = ssoEnabled && ssoVersion == 0 ? d.getHex("aexpt", 0) : 0;

    return Optional.of(new NetworkConfig(nwid, d.getHex("ts", 0), d.getHex("ctmd", 0), d.getHex("r", 0),
        issuedTo & 0xffffffffffL, d.getHex("tt", 0) & 0xffffffffffL, (int) d.getHex("tl", 0), d.getHex("f", 0),
        d.getHex("ml", 0) & 0xffffffffL, (int) d.getHex("t", TYPE_PRIVATE), name, clampedMtu, com,
        d.get("CAP").orElse(new byte[0]), d.get("TAG").orElse(new byte[0]), coos, specialists, routes, ips,
        rules, dns, ssoVersion, ssoEnabled, aurl, aexpt));
  }

  private static int indexOfNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return b.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkConfig n && Arrays.equals(n.toDictionary().serialize(), toDictionary().serialize());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toDictionary().serialize());
  }
}
