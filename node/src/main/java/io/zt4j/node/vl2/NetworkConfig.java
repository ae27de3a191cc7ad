package io.zt4j.node.vl2;

import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A network configuration as a controller issues it to one member: the network's settings, the
 * member's managed addresses, the flow rules and the member's credentials. Carried as a
 * {@link Dictionary} in NETWORK_CONFIG chunks and stored as {@code networks.d/<nwid>.conf}.
 *
 * <pre>
 *  dictionary keys (config version 7, written in this order; numbers as lowercase hex)
 *   v     version (7)                    nwid  network id               ts   timestamp (i64)
 *   ctmd  credential time max delta      r     revision                 id   issued-to address
 *   tt    remote trace target address    tl    remote trace level       f    flags
 *   ml    multicast limit                t     type (0 private, 1 public)
 *   n     name (text, &lt;= 127 bytes)     mtu   MTU (clamped to 1280..10000 on read)
 *   binary, only if non-empty:
 *   C     certificate of membership      CAP   capabilities, back to back
 *   TAG   tags, back to back             COO   certificates of ownership, back to back
 *   S     specialists, u64 each (low 40 bits address, high bits role flags)
 *   RT    routes (see {@link Route})     I     static IPs, InetAddress each (port = prefix length)
 *   R     rules (see {@link Rule})
 *   DNS   always: see {@link Dns}
 *   ssov  SSO version; ssoe SSO enabled (0/1); for version 0 and enabled: aurl (if set), aexpt;
 *         for version 1: iurl, ssoce, sson, ssos, ssocid, ssop
 * </pre>
 *
 * <p>Reading follows ZeroTier 1.14's {@code NetworkConfig::fromDictionary}: a config without a
 * network id or issued-to address is refused; configs of version below 6 (the pre-1.2 key set
 * {@code eb p v4s v6s et com ab rl}) are refused, because 1.14 is built without legacy support;
 * a malformed COM, COO, route, static IP, rule list or DNS blob refuses the whole config, while a
 * malformed capability or tag ends its list (the ones before it are kept), as in ZeroTier. Limits
 * are ZeroTier's: surplus routes (128), static IPs (32), rules (1024), specialists (256),
 * capabilities and tags (128) and COOs (4) are ignored.
 *
 * <p>{@link #toDictionary()} writes what ZeroTier 1.14 writes, so a config received from a
 * ZeroTier controller re-encodes to identical bytes. Immutable and thread-safe; build one with
 * {@link #builder()}.
 */
public final class NetworkConfig {

  /** The config version this code writes ({@code ZT_NETWORKCONFIG_VERSION}). */
  public static final int VERSION = 7;
  /** Oldest config version ZeroTier 1.14 (built without legacy support) accepts. */
  public static final int MIN_VERSION = 6;

  /** Flag: Ethernet broadcast (ff:ff:ff:ff:ff:ff) works on this network. */
  public static final long FLAG_ENABLE_BROADCAST = 0x2L;
  /** Flag: IPv6 NDP is emulated for the network's 6PLANE/RFC 4193 addresses. */
  public static final long FLAG_ENABLE_IPV6_NDP_EMULATION = 0x4L;
  /** Flag: an unsupported MATCH in the rules matches (set) or does not (clear). */
  public static final long FLAG_RULES_RESULT_OF_UNSUPPORTED_MATCH = 0x8L;
  /** Flag: do not compress frames. */
  public static final long FLAG_DISABLE_COMPRESSION = 0x10L;

  /** Specialist role: may bridge other Ethernet networks; receives unknown-recipient multicast. */
  public static final long SPECIALIST_ACTIVE_BRIDGE = 0x0000_0200_0000_0000L;
  /** Specialist role: anchor (stable member that can act as a root). */
  public static final long SPECIALIST_ANCHOR = 0x0000_0400_0000_0000L;
  /** Specialist role: multicast replicator. */
  public static final long SPECIALIST_MULTICAST_REPLICATOR = 0x0000_0800_0000_0000L;

  public static final int TYPE_PRIVATE = 0;
  public static final int TYPE_PUBLIC = 1;

  public static final int DEFAULT_MTU = 2800;
  public static final int MIN_MTU = 1280;
  public static final int MAX_MTU = 10000;

  /** Default credential time max delta for COMs, tags and capabilities (30 minutes). */
  public static final long DEFAULT_CREDENTIAL_TIME_MAX_DELTA = 30 * 60 * 1000L;
  /** Largest credential time max delta (2 hours). */
  public static final long MAX_CREDENTIAL_TIME_MAX_DELTA = 2 * 60 * 60 * 1000L;
  /** Smallest credential time max delta (5 minutes). */
  public static final long MIN_CREDENTIAL_TIME_MAX_DELTA = 5 * 60 * 1000L;

  public static final int MAX_NAME_BYTES = 127;
  public static final int MAX_DNS_SERVERS = Dns.MAX_SERVERS;
  public static final int MAX_ROUTES = 128;
  public static final int MAX_STATIC_IPS = 32;
  public static final int MAX_SPECIALISTS = 256;
  public static final int MAX_RULES = 1024;
  public static final int MAX_CAPABILITIES = 128;
  public static final int MAX_TAGS = 128;
  public static final int MAX_CERTIFICATES_OF_OWNERSHIP = 4;

  /**
   * A route a network config pushes to its members ({@code ZT_VirtualNetworkRoute}).
   *
   * <pre>
   *  wire form (in the config's RT blob, back to back):
   *  target InetAddress (port field = prefix length) | via InetAddress (nil = on-link) |
   *  flags u16 | metric u16
   * </pre>
   *
   * @param target the destination network; its port is the prefix length, as ZeroTier stores it
   * @param via the gateway, or {@link InetAddress#NIL} for a route to the network itself (on-link)
   * @param flags route flags (unused by ZeroTier 1.14, carried as is)
   * @param metric route metric (carried as is)
   */
  public record Route(InetAddress target, InetAddress via, int flags, int metric) {

    public Route {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(via, "via");
      if (flags < 0 || flags > 0xFFFF || metric < 0 || metric > 0xFFFF) {
        throw new IllegalArgumentException("flags and metric are unsigned 16-bit");
      }
    }

    /** The prefix length of {@link #target()}. */
    public int targetBits() {
      return target.port();
    }

    /** True for an on-link route (no gateway). */
    public boolean onLink() {
      return via.isNil();
    }

    void write(WireWriter w) {
      w.bytes(target.serialize()).bytes(via.serialize()).u16(flags).u16(metric);
    }

    static Route read(WireReader r) {
      InetAddress target = r.inet("route target");
      InetAddress via = r.inet("route via");
      return new Route(target, via, r.u16("route flags"), r.u16("route metric"));
    }

    @Override
    public String toString() {
      return target.toIpString() + "/" + target.port() + (via.isNil() ? "" : " via " + via.toIpString())
          + (flags != 0 ? " flags=" + flags : "") + (metric != 0 ? " metric=" + metric : "");
    }
  }

  /**
   * DNS settings a network config pushes ({@code ZT_VirtualNetworkDNS}): a search domain and up to
   * four servers.
   *
   * <pre>
   *  wire form (the config's DNS blob, always present, 132+ bytes):
   *  domain (128 bytes, NUL-padded; byte 127 is always NUL) | 4 x InetAddress (nil for unused)
   * </pre>
   *
   * @param domain the search domain (ASCII in practice; each char is one byte), at most 127 bytes
   * @param servers exactly {@link #MAX_SERVERS} slots as on the wire, {@link InetAddress#NIL} for
   *     unused ones (a shorter list is padded with nil)
   */
  public record Dns(String domain, List<InetAddress> servers) {

    public static final int MAX_SERVERS = 4;
    public static final int DOMAIN_FIELD_LENGTH = 128;

    /** No domain, no servers (what a controller without DNS settings sends). */
    public static final Dns NONE = new Dns("", List.of());

    public Dns {
      Objects.requireNonNull(domain, "domain");
      byte[] d = domain.getBytes(StandardCharsets.ISO_8859_1);
      if (d.length > DOMAIN_FIELD_LENGTH - 1 || domain.indexOf('\0') >= 0
          || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(domain)) {
        throw new IllegalArgumentException("DNS domain must be at most 127 single-byte chars without NUL");
      }
      if (servers.size() > MAX_SERVERS) {
        throw new IllegalArgumentException("at most " + MAX_SERVERS + " DNS servers");
      }
      List<InetAddress> s = new ArrayList<>(servers);
      while (s.size() < MAX_SERVERS) {
        s.add(InetAddress.NIL);
      }
      servers = List.copyOf(s);
    }

    /** The configured (non-nil) servers. */
    public List<InetAddress> addresses() {
      return servers.stream().filter(a -> !a.isNil()).toList();
    }

    /** True if there is neither a domain nor a server. */
    public boolean isEmpty() {
      return domain.isEmpty() && addresses().isEmpty();
    }

    void write(WireWriter w) {
      byte[] d = Arrays.copyOf(domain.getBytes(StandardCharsets.ISO_8859_1), DOMAIN_FIELD_LENGTH);
      w.bytes(d);
      for (InetAddress a : servers) {
        w.bytes(a.serialize());
      }
    }

    static Dns read(WireReader r) {
      byte[] d = r.bytes(DOMAIN_FIELD_LENGTH, "DNS domain");
      int n = 0;
      while (n < DOMAIN_FIELD_LENGTH - 1 && d[n] != 0) {
        n++;
      }
      String domain = new String(d, 0, n, StandardCharsets.ISO_8859_1);
      List<InetAddress> servers = new ArrayList<>(MAX_SERVERS);
      for (int i = 0; i < MAX_SERVERS; i++) {
        servers.add(r.inet("DNS server"));
      }
      return new Dns(domain, servers);
    }
  }

  /** Dictionary keys. */
  public static final class Keys {
    private Keys() {}

    public static final String VERSION = "v";
    public static final String NETWORK_ID = "nwid";
    public static final String TIMESTAMP = "ts";
    public static final String REVISION = "r";
    public static final String ISSUED_TO = "id";
    public static final String REMOTE_TRACE_TARGET = "tt";
    public static final String REMOTE_TRACE_LEVEL = "tl";
    public static final String FLAGS = "f";
    public static final String MULTICAST_LIMIT = "ml";
    public static final String TYPE = "t";
    public static final String NAME = "n";
    public static final String MTU = "mtu";
    public static final String CREDENTIAL_TIME_MAX_DELTA = "ctmd";
    public static final String COM = "C";
    public static final String SPECIALISTS = "S";
    public static final String ROUTES = "RT";
    public static final String STATIC_IPS = "I";
    public static final String RULES = "R";
    public static final String CAPABILITIES = "CAP";
    public static final String TAGS = "TAG";
    public static final String CERTIFICATES_OF_OWNERSHIP = "COO";
    public static final String DNS = "DNS";
    public static final String SSO_ENABLED = "ssoe";
    public static final String SSO_VERSION = "ssov";
    public static final String AUTHENTICATION_URL = "aurl";
    public static final String AUTHENTICATION_EXPIRY_TIME = "aexpt";
    public static final String ISSUER_URL = "iurl";
    public static final String CENTRAL_ENDPOINT_URL = "ssoce";
    public static final String NONCE = "sson";
    public static final String STATE = "ssos";
    public static final String CLIENT_ID = "ssocid";
    public static final String SSO_PROVIDER = "ssop";
  }

  /**
   * Single sign-on settings (ZeroTier's {@code sso*} keys). Version 0 is the implicit flow
   * (authentication URL and expiry), version 1 the full OIDC flow.
   */
  public record Sso(long version, boolean enabled, String authenticationUrl, long authenticationExpiryTime,
      String issuerUrl, String centralAuthUrl, String nonce, String state, String clientId, String provider) {

    public static final int MAX_URL_LENGTH = 2047;
    public static final int MAX_NONCE_LENGTH = 127;
    public static final int MAX_STATE_LENGTH = 255;
    public static final int MAX_CLIENT_ID_LENGTH = 255;
    public static final int MAX_PROVIDER_LENGTH = 63;

    /** SSO off, version 0: what a controller without SSO sends. */
    public static final Sso DISABLED = new Sso(0, false, "", 0, "", "", "", "", "", "default");

    public Sso {
      checkText(authenticationUrl, MAX_URL_LENGTH, "authentication URL");
      checkText(issuerUrl, MAX_URL_LENGTH, "issuer URL");
      checkText(centralAuthUrl, MAX_URL_LENGTH, "central auth URL");
      checkText(nonce, MAX_NONCE_LENGTH, "nonce");
      checkText(state, MAX_STATE_LENGTH, "state");
      checkText(clientId, MAX_CLIENT_ID_LENGTH, "client id");
      checkText(provider, MAX_PROVIDER_LENGTH, "provider");
    }
  }

  private final long networkId;
  private final long timestamp;
  private final long credentialTimeMaxDelta;
  private final long revision;
  private final long issuedTo;
  private final long remoteTraceTarget;
  private final int remoteTraceLevel;
  private final long flags;
  private final long multicastLimit;
  private final int type;
  private final byte[] name;
  private final int mtu;
  private final CertificateOfMembership com;
  private final List<Capability> capabilities;
  private final List<Tag> tags;
  private final List<CertificateOfOwnership> certificatesOfOwnership;
  private final List<Long> specialists;
  private final List<Route> routes;
  private final List<InetAddress> staticIps;
  private final List<Rule> rules;
  private final Dns dns;
  private final Sso sso;

  private NetworkConfig(Builder b) {
    this.networkId = b.networkId;
    this.timestamp = b.timestamp;
    this.credentialTimeMaxDelta = b.credentialTimeMaxDelta;
    this.revision = b.revision;
    this.issuedTo = b.issuedTo;
    this.remoteTraceTarget = b.remoteTraceTarget;
    this.remoteTraceLevel = b.remoteTraceLevel;
    this.flags = b.flags;
    this.multicastLimit = b.multicastLimit;
    this.type = b.type;
    this.name = b.name;
    this.mtu = b.mtu;
    this.com = b.com;
    List<Capability> caps = new ArrayList<>(b.capabilities);
    caps.sort(null);
    this.capabilities = List.copyOf(caps);
    List<Tag> t = new ArrayList<>(b.tags);
    t.sort(null);
    this.tags = List.copyOf(t);
    this.certificatesOfOwnership = List.copyOf(b.certificatesOfOwnership);
    this.specialists = List.copyOf(b.specialists);
    this.routes = List.copyOf(b.routes);
    this.staticIps = List.copyOf(b.staticIps);
    this.rules = List.copyOf(b.rules);
    this.dns = b.dns;
    this.sso = b.sso;
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  public long networkId() {
    return networkId;
  }

  /** Controller-side time the config was issued (ms). */
  public long timestamp() {
    return timestamp;
  }

  /** Largest allowed difference between this config's timestamp and a credential's (ms). */
  public long credentialTimeMaxDelta() {
    return credentialTimeMaxDelta;
  }

  public long revision() {
    return revision;
  }

  /** The member this config was issued to (40-bit address). */
  public long issuedTo() {
    return issuedTo;
  }

  /** Where remote traces for this network go (40-bit address), 0 for nowhere. */
  public long remoteTraceTarget() {
    return remoteTraceTarget;
  }

  public int remoteTraceLevel() {
    return remoteTraceLevel;
  }

  public long flags() {
    return flags;
  }

  /** Maximum recipients of one multicast, active bridges not counted (unsigned 32-bit). */
  public long multicastLimit() {
    return multicastLimit;
  }

  /** {@link #TYPE_PRIVATE}, {@link #TYPE_PUBLIC}, or another value a controller sent. */
  public int type() {
    return type;
  }

  public boolean isPrivate() {
    return type == TYPE_PRIVATE;
  }

  public boolean isPublic() {
    return type == TYPE_PUBLIC;
  }

  /** The network's short name (UTF-8 decoded). */
  public String name() {
    return new String(name, StandardCharsets.UTF_8);
  }

  /** The name's raw bytes (at most 127). */
  public byte[] nameBytes() {
    return name.clone();
  }

  public int mtu() {
    return mtu;
  }

  /** The member's certificate of membership, if the controller sent one. */
  public Optional<CertificateOfMembership> com() {
    return Optional.ofNullable(com);
  }

  /** The member's capabilities, by ascending id. */
  public List<Capability> capabilities() {
    return capabilities;
  }

  /** The member's tags, by ascending id. */
  public List<Tag> tags() {
    return tags;
  }

  public List<CertificateOfOwnership> certificatesOfOwnership() {
    return certificatesOfOwnership;
  }

  /** Specialists: low 40 bits address, high bits {@code SPECIALIST_*} role flags. */
  public List<Long> specialists() {
    return specialists;
  }

  public List<Route> routes() {
    return routes;
  }

  /** The member's managed addresses; each address's port is its prefix length. */
  public List<InetAddress> staticIps() {
    return staticIps;
  }

  /** The network's base flow rules. */
  public List<Rule> rules() {
    return rules;
  }

  public Dns dns() {
    return dns;
  }

  public Sso sso() {
    return sso;
  }

  public boolean enableBroadcast() {
    return (flags & FLAG_ENABLE_BROADCAST) != 0;
  }

  public boolean ndpEmulation() {
    return (flags & FLAG_ENABLE_IPV6_NDP_EMULATION) != 0;
  }

  public boolean disableCompression() {
    return (flags & FLAG_DISABLE_COMPRESSION) != 0;
  }

  /** Result of a MATCH this rules engine does not know. */
  public boolean unsupportedMatchResult() {
    return (flags & FLAG_RULES_RESULT_OF_UNSUPPORTED_MATCH) != 0;
  }

  /** Addresses of specialists that have any of the {@code roles} bits. */
  public List<Long> specialistsWith(long roles) {
    List<Long> out = new ArrayList<>();
    for (long s : specialists) {
      if ((s & roles) != 0) {
        out.add(s & 0xFF_FFFF_FFFFL);
      }
    }
    return out;
  }

  public List<Long> activeBridges() {
    return specialistsWith(SPECIALIST_ACTIVE_BRIDGE);
  }

  public List<Long> anchors() {
    return specialistsWith(SPECIALIST_ANCHOR);
  }

  public List<Long> multicastReplicators() {
    return specialistsWith(SPECIALIST_MULTICAST_REPLICATOR);
  }

  /** Anchors and multicast replicators: members ZeroTier always keeps in contact with. */
  public List<Long> alwaysContactAddresses() {
    return specialistsWith(SPECIALIST_ANCHOR | SPECIALIST_MULTICAST_REPLICATOR);
  }

  /** Whether {@code address} may bridge (send frames from MACs that are not its own). */
  public boolean permitsBridging(long address) {
    for (long s : specialists) {
      if ((s & 0xFF_FFFF_FFFFL) == address && (s & SPECIALIST_ACTIVE_BRIDGE) != 0) {
        return true;
      }
    }
    return false;
  }

  /** The capability with this id. */
  public Optional<Capability> capability(long id) {
    return capabilities.stream().filter(c -> c.id() == id).findFirst();
  }

  /** The tag with this id. */
  public Optional<Tag> tag(long id) {
    return tags.stream().filter(t -> t.id() == id).findFirst();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Parses a serialized config dictionary (NETWORK_CONFIG payload or {@code .conf} file). */
  public static Parsed<NetworkConfig> parse(byte[] buf, int off, int len) {
    Parsed<Dictionary> d = Dictionary.parse(buf, off, len, Dictionary.NETWORK_CONFIG_CAPACITY);
    if (!d.isOk()) {
      return d.asDropped();
    }
    Parsed<NetworkConfig> c = fromDictionary(d.value());
    return c.isOk() ? Parsed.ok(c.value(), len) : c;
  }

  /** {@link #parse(byte[], int, int)} of a whole array. */
  public static Parsed<NetworkConfig> parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length);
  }

  /** Reads a config from a dictionary as ZeroTier 1.14 does (see the class comment). */
  public static Parsed<NetworkConfig> fromDictionary(Dictionary d) {
    try {
      return Parsed.ok(read(d), 0);
    } catch (WireReader.Refused e) {
      return e.toParsed("NetworkConfig");
    }
  }

  private static NetworkConfig read(Dictionary d) {
    Builder b = new Builder();
    b.networkId = d.getHex(Keys.NETWORK_ID, 0);
    if (b.networkId == 0) {
      throw WireReader.refuse(DropReason.MALFORMED, "no network id");
    }
    b.timestamp = d.getHex(Keys.TIMESTAMP, 0);
    b.credentialTimeMaxDelta = d.getHex(Keys.CREDENTIAL_TIME_MAX_DELTA, 0);
    b.revision = d.getHex(Keys.REVISION, 0);
    b.issuedTo = d.getHex(Keys.ISSUED_TO, 0) & 0xFF_FFFF_FFFFL;
    if (b.issuedTo == 0) {
      throw WireReader.refuse(DropReason.MALFORMED, "no issued-to address");
    }
    b.remoteTraceTarget = d.getHex(Keys.REMOTE_TRACE_TARGET, 0) & 0xFF_FFFF_FFFFL;
    b.remoteTraceLevel = (int) d.getHex(Keys.REMOTE_TRACE_LEVEL, 0);
    b.multicastLimit = d.getHex(Keys.MULTICAST_LIMIT, 0) & 0xFFFF_FFFFL;
    b.name = d.get(Keys.NAME).map(v -> cstring(v, MAX_NAME_BYTES)).orElse(new byte[0]);
    long mtu = d.getHex(Keys.MTU, DEFAULT_MTU) & 0xFFFF_FFFFL;
    b.mtu = (int) Math.max(MIN_MTU, Math.min(MAX_MTU, mtu));

    long version = d.getHex(Keys.VERSION, 0);
    if (Long.compareUnsigned(version, MIN_VERSION) < 0) {
      throw WireReader.refuse(DropReason.UNKNOWN_TYPE,
          "config version " + version + " uses the pre-1.2 legacy keys, which ZeroTier 1.14 no longer reads");
    }
    b.flags = d.getHex(Keys.FLAGS, 0);
    b.type = (int) d.getHex(Keys.TYPE, TYPE_PRIVATE);

    Optional<byte[]> v = d.get(Keys.COM);
    if (v.isPresent()) {
      Parsed<CertificateOfMembership> com = CertificateOfMembership.parse(v.get(), 0, v.get().length);
      if (com instanceof Parsed.Dropped<CertificateOfMembership> dr) {
        throw WireReader.refuse(dr.reason(), "COM: " + dr.detail());
      }
      b.com = com.value();
    }

    v = d.get(Keys.CAPABILITIES);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      try {
        while (r.remaining() > 0 && b.capabilities.size() < MAX_CAPABILITIES) {
          b.capabilities.add(Capability.read(r));
        }
      } catch (WireReader.Refused e) {
        // ZeroTier keeps the capabilities before a malformed one.
      }
    }

    v = d.get(Keys.TAGS);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      try {
        while (r.remaining() > 0 && b.tags.size() < MAX_TAGS) {
          b.tags.add(Tag.read(r));
        }
      } catch (WireReader.Refused e) {
        // ZeroTier keeps the tags before a malformed one.
      }
    }

    v = d.get(Keys.CERTIFICATES_OF_OWNERSHIP);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      while (r.remaining() > 0) {
        CertificateOfOwnership c = CertificateOfOwnership.read(r);
        if (b.certificatesOfOwnership.size() < MAX_CERTIFICATES_OF_OWNERSHIP) {
          b.certificatesOfOwnership.add(c);
        }
      }
    }

    v = d.get(Keys.SPECIALISTS);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      while (r.remaining() >= 8) {
        long s = r.u64("specialist");
        if (b.specialists.size() < MAX_SPECIALISTS) {
          b.specialists.add(s);
        }
      }
    }

    v = d.get(Keys.ROUTES);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      while (r.remaining() > 0 && b.routes.size() < MAX_ROUTES) {
        b.routes.add(Route.read(r));
      }
    }

    v = d.get(Keys.STATIC_IPS);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      while (r.remaining() > 0 && b.staticIps.size() < MAX_STATIC_IPS) {
        b.staticIps.add(r.inet("static IP"));
      }
    }

    v = d.get(Keys.RULES);
    if (v.isPresent()) {
      WireReader r = reader(v.get());
      while (r.remaining() > 0 && b.rules.size() < MAX_RULES) {
        b.rules.add(Rules.read(r));
      }
    }

    v = d.get(Keys.DNS);
    if (v.isPresent()) {
      b.dns = Dns.read(reader(v.get()));
    }

    b.sso = readSso(d);
    return new NetworkConfig(b);
  }

  private static Sso readSso(Dictionary d) {
    long version = d.getHex(Keys.SSO_VERSION, 0);
    boolean enabled = d.getBoolean(Keys.SSO_ENABLED, false);
    Sso dflt = Sso.DISABLED;
    if (version == 0) {
      if (enabled) {
        return new Sso(0, true, text(d, Keys.AUTHENTICATION_URL, Sso.MAX_URL_LENGTH),
            signedHex(d, Keys.AUTHENTICATION_EXPIRY_TIME), "", "", "", "", "", dflt.provider());
      }
      return new Sso(0, false, "", 0, "", "", "", "", "", dflt.provider());
    }
    if (version == 1) {
      if (enabled) {
        String provider = text(d, Keys.SSO_PROVIDER, Sso.MAX_PROVIDER_LENGTH);
        return new Sso(1, true, text(d, Keys.AUTHENTICATION_URL, Sso.MAX_URL_LENGTH), 0,
            text(d, Keys.ISSUER_URL, Sso.MAX_URL_LENGTH), text(d, Keys.CENTRAL_ENDPOINT_URL, Sso.MAX_URL_LENGTH),
            text(d, Keys.NONCE, Sso.MAX_NONCE_LENGTH), text(d, Keys.STATE, Sso.MAX_STATE_LENGTH),
            text(d, Keys.CLIENT_ID, Sso.MAX_CLIENT_ID_LENGTH), provider.isEmpty() ? "default" : provider);
      }
      return new Sso(1, false, "", 0, "", "", "", "", "", "");
    }
    return new Sso(version, enabled, "", 0, "", "", "", "", "", dflt.provider());
  }

  private static WireReader reader(byte[] v) {
    return new WireReader(v, 0, v.length);
  }

  /** The bytes of a C string read into a buffer of {@code maxLength + 1}: up to NUL, truncated. */
  private static byte[] cstring(byte[] v, int maxLength) {
    int n = 0;
    while (n < v.length && n < maxLength && v[n] != 0) {
      n++;
    }
    return n == v.length ? v : Arrays.copyOf(v, n);
  }

  private static String text(Dictionary d, String key, int maxLength) {
    return d.get(key).map(v -> new String(cstring(v, maxLength), StandardCharsets.ISO_8859_1)).orElse("");
  }

  /** A signed hex number as ZeroTier's {@code getI} reads one ({@code strtoll(..., 16)}). */
  static long signedHex(Dictionary d, String key) {
    Optional<String> v = d.getString(key);
    if (v.isEmpty() || v.get().isEmpty()) {
      return 0;
    }
    String s = v.get();
    int i = 0;
    int n = s.length();
    while (i < n && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    boolean negative = false;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    if (i + 2 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
        && hexDigit(s.charAt(i + 2)) >= 0) {
      i += 2;
    }
    long mag = 0;
    boolean overflow = false;
    for (; i < n; i++) {
      int dgt = hexDigit(s.charAt(i));
      if (dgt < 0) {
        break;
      }
      if ((mag >>> 59) != 0) {
        overflow = true;
      }
      mag = (mag << 4) | dgt;
    }
    if (negative) {
      return overflow || Long.compareUnsigned(mag, 1L << 63) > 0 ? Long.MIN_VALUE : -mag;
    }
    return overflow || mag < 0 ? Long.MAX_VALUE : mag;
  }

  private static int hexDigit(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * The dictionary ZeroTier 1.14's {@code toDictionary} writes for this config.
   *
   * @throws IllegalStateException if it would exceed {@link Dictionary#NETWORK_CONFIG_CAPACITY}
   */
  public Dictionary toDictionary() {
    Dictionary.Builder d = Dictionary.builder(Dictionary.NETWORK_CONFIG_CAPACITY);
    d.addHex(Keys.VERSION, VERSION);
    d.addHex(Keys.NETWORK_ID, networkId);
    addSigned(d, Keys.TIMESTAMP, timestamp);
    addSigned(d, Keys.CREDENTIAL_TIME_MAX_DELTA, credentialTimeMaxDelta);
    d.addHex(Keys.REVISION, revision);
    d.add(Keys.ISSUED_TO, String.format("%010x", issuedTo));
    d.add(Keys.REMOTE_TRACE_TARGET, String.format("%010x", remoteTraceTarget));
    d.addHex(Keys.REMOTE_TRACE_LEVEL, Integer.toUnsignedLong(remoteTraceLevel));
    d.addHex(Keys.FLAGS, flags);
    d.addHex(Keys.MULTICAST_LIMIT, multicastLimit);
    d.addHex(Keys.TYPE, Integer.toUnsignedLong(type));
    d.add(Keys.NAME, name);
    d.addHex(Keys.MTU, mtu);

    if (com != null && !com.qualifiers().isEmpty()) {
      d.add(Keys.COM, com.serialize());
    }
    WireWriter w = new WireWriter(256);
    for (Capability c : capabilities) {
      c.write(w, false);
    }
    addIfAny(d, Keys.CAPABILITIES, w);
    w = new WireWriter(256);
    for (Tag t : tags) {
      t.write(w, false);
    }
    addIfAny(d, Keys.TAGS, w);
    w = new WireWriter(256);
    for (CertificateOfOwnership c : certificatesOfOwnership) {
      c.write(w, false);
    }
    addIfAny(d, Keys.CERTIFICATES_OF_OWNERSHIP, w);
    w = new WireWriter(64);
    for (long s : specialists) {
      w.u64(s);
    }
    addIfAny(d, Keys.SPECIALISTS, w);
    w = new WireWriter(64);
    for (Route r : routes) {
      r.write(w);
    }
    addIfAny(d, Keys.ROUTES, w);
    w = new WireWriter(64);
    for (InetAddress ip : staticIps) {
      w.bytes(ip.serialize());
    }
    addIfAny(d, Keys.STATIC_IPS, w);
    if (!rules.isEmpty()) {
      d.add(Keys.RULES, Rules.encode(rules));
    }
    w = new WireWriter(160);
    dns.write(w);
    d.add(Keys.DNS, w.toByteArray());

    if (sso.version() == 0) {
      d.addHex(Keys.SSO_VERSION, 0);
      d.addBoolean(Keys.SSO_ENABLED, sso.enabled());
      if (sso.enabled()) {
        if (!sso.authenticationUrl().isEmpty()) {
          d.add(Keys.AUTHENTICATION_URL, latin1(sso.authenticationUrl()));
        }
        d.addHex(Keys.AUTHENTICATION_EXPIRY_TIME, sso.authenticationExpiryTime());
      }
    } else if (sso.version() == 1) {
      d.addHex(Keys.SSO_VERSION, 1);
      d.addBoolean(Keys.SSO_ENABLED, sso.enabled());
      d.add(Keys.ISSUER_URL, latin1(sso.issuerUrl()));
      d.add(Keys.CENTRAL_ENDPOINT_URL, latin1(sso.centralAuthUrl()));
      d.add(Keys.NONCE, latin1(sso.nonce()));
      d.add(Keys.STATE, latin1(sso.state()));
      d.add(Keys.CLIENT_ID, latin1(sso.clientId()));
      d.add(Keys.SSO_PROVIDER, latin1(sso.provider()));
    }
    return d.build();
  }

  /** The serialized dictionary: the NETWORK_CONFIG payload and the {@code .conf} file content. */
  public byte[] serialize() {
    return toDictionary().serialize();
  }

  private static void addSigned(Dictionary.Builder d, String key, long v) {
    d.add(key, v >= 0 ? String.format("%016x", v) : "-" + String.format("%016x", -v));
  }

  private static void addIfAny(Dictionary.Builder d, String key, WireWriter w) {
    if (w.size() > 0) {
      d.add(key, w.toByteArray());
    }
  }

  /** SSO texts are byte strings (URLs, tokens): each char is one byte. */
  static void checkText(String s, int maxBytes, String what) {
    Objects.requireNonNull(s, what);
    if (s.indexOf('\0') >= 0 || s.length() > maxBytes || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(s)) {
      throw new IllegalArgumentException(what + " must be at most " + maxBytes + " single-byte chars without NUL");
    }
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ---------------------------------------------------------------------------------------------

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.networkId = networkId;
    b.timestamp = timestamp;
    b.credentialTimeMaxDelta = credentialTimeMaxDelta;
    b.revision = revision;
    b.issuedTo = issuedTo;
    b.remoteTraceTarget = remoteTraceTarget;
    b.remoteTraceLevel = remoteTraceLevel;
    b.flags = flags;
    b.multicastLimit = multicastLimit;
    b.type = type;
    b.name = name;
    b.mtu = mtu;
    b.com = com;
    b.capabilities.addAll(capabilities);
    b.tags.addAll(tags);
    b.certificatesOfOwnership.addAll(certificatesOfOwnership);
    b.specialists.addAll(specialists);
    b.routes.addAll(routes);
    b.staticIps.addAll(staticIps);
    b.rules.addAll(rules);
    b.dns = dns;
    b.sso = sso;
    return b;
  }

  /**
   * Builds a config (the controller's side). Defaults: private, MTU 2800, no flags, credential
   * time max delta {@link #DEFAULT_CREDENTIAL_TIME_MAX_DELTA}, no DNS, SSO disabled. Setters
   * check ZeroTier's limits and throw {@link IllegalArgumentException} beyond them. Not
   * thread-safe.
   */
  public static final class Builder {
    private long networkId;
    private long timestamp;
    private long credentialTimeMaxDelta = DEFAULT_CREDENTIAL_TIME_MAX_DELTA;
    private long revision;
    private long issuedTo;
    private long remoteTraceTarget;
    private int remoteTraceLevel;
    private long flags;
    private long multicastLimit;
    private int type = TYPE_PRIVATE;
    private byte[] name = new byte[0];
    private int mtu = DEFAULT_MTU;
    private CertificateOfMembership com;
    private final List<Capability> capabilities = new ArrayList<>();
    private final List<Tag> tags = new ArrayList<>();
    private final List<CertificateOfOwnership> certificatesOfOwnership = new ArrayList<>();
    private final List<Long> specialists = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<InetAddress> staticIps = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private Dns dns = Dns.NONE;
    private Sso sso = Sso.DISABLED;

    private Builder() {}

    public Builder networkId(long v) {
      networkId = v;
      return this;
    }

    public Builder timestamp(long v) {
      timestamp = v;
      return this;
    }

    public Builder credentialTimeMaxDelta(long v) {
      credentialTimeMaxDelta = v;
      return this;
    }

    public Builder revision(long v) {
      revision = v;
      return this;
    }

    public Builder issuedTo(long address) {
      issuedTo = requireAddress(address);
      return this;
    }

    public Builder remoteTraceTarget(long address) {
      remoteTraceTarget = requireAddress(address);
      return this;
    }

    public Builder remoteTraceLevel(int v) {
      remoteTraceLevel = v;
      return this;
    }

    public Builder flags(long v) {
      flags = v;
      return this;
    }

    public Builder multicastLimit(long v) {
      if ((v & ~0xFFFF_FFFFL) != 0) {
        throw new IllegalArgumentException("multicast limit is unsigned 32-bit");
      }
      multicastLimit = v;
      return this;
    }

    public Builder type(int v) {
      type = v;
      return this;
    }

    /**
     * The name, UTF-8 encoded and truncated to 127 bytes as ZeroTier's controller truncates it
     * (NUL is not allowed).
     */
    public Builder name(String v) {
      if (v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("name must not contain NUL");
      }
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      name = b.length > MAX_NAME_BYTES ? Arrays.copyOf(b, MAX_NAME_BYTES) : b;
      return this;
    }

    /** The MTU, clamped to 1280..10000 as readers clamp it. */
    public Builder mtu(int v) {
      mtu = Math.max(MIN_MTU, Math.min(MAX_MTU, v));
      return this;
    }

    public Builder com(CertificateOfMembership v) {
      com = v;
      return this;
    }

    public Builder capabilities(List<Capability> v) {
      requireAtMost(v, MAX_CAPABILITIES, "capabilities");
      capabilities.clear();
      capabilities.addAll(v);
      return this;
    }

    public Builder tags(List<Tag> v) {
      requireAtMost(v, MAX_TAGS, "tags");
      tags.clear();
      tags.addAll(v);
      return this;
    }

    public Builder certificatesOfOwnership(List<CertificateOfOwnership> v) {
      requireAtMost(v, MAX_CERTIFICATES_OF_OWNERSHIP, "certificates of ownership");
      certificatesOfOwnership.clear();
      certificatesOfOwnership.addAll(v);
      return this;
    }

    public Builder specialists(List<Long> v) {
      requireAtMost(v, MAX_SPECIALISTS, "specialists");
      specialists.clear();
      specialists.addAll(v);
      return this;
    }

    /**
     * Adds a specialist with {@code roles}, or adds the roles if the address is already one
     * ({@code NetworkConfig::addSpecialist}).
     */
    public Builder addSpecialist(long address, long roles) {
      long a = requireAddress(address);
      for (int i = 0; i < specialists.size(); i++) {
        if ((specialists.get(i) & 0xFF_FFFF_FFFFL) == a) {
          specialists.set(i, specialists.get(i) | roles);
          return this;
        }
      }
      requireAtMost(specialists, MAX_SPECIALISTS - 1, "specialists");
      specialists.add(a | roles);
      return this;
    }

    public Builder routes(List<Route> v) {
      requireAtMost(v, MAX_ROUTES, "routes");
      routes.clear();
      routes.addAll(v);
      return this;
    }

    /** Managed addresses; each address's port is its prefix length. */
    public Builder staticIps(List<InetAddress> v) {
      requireAtMost(v, MAX_STATIC_IPS, "static IPs");
      staticIps.clear();
      staticIps.addAll(v);
      return this;
    }

    public Builder rules(List<Rule> v) {
      requireAtMost(v, MAX_RULES, "rules");
      rules.clear();
      rules.addAll(v);
      return this;
    }

    public Builder dns(Dns v) {
      dns = Objects.requireNonNull(v, "dns");
      return this;
    }

    public Builder sso(Sso v) {
      sso = Objects.requireNonNull(v, "sso");
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalStateException if the network id or the issued-to address is missing
     */
    public NetworkConfig build() {
      if (networkId == 0) {
        throw new IllegalStateException("a network config needs a network id");
      }
      if (issuedTo == 0) {
        throw new IllegalStateException("a network config needs an issued-to address");
      }
      return new NetworkConfig(this);
    }

    private static long requireAddress(long a) {
      if ((a & ~0xFF_FFFF_FFFFL) != 0) {
        throw new IllegalArgumentException("ZeroTier addresses are 40-bit: " + Long.toHexString(a));
      }
      return a;
    }

    private static void requireAtMost(List<?> v, int max, String what) {
      if (v.size() > max) {
        throw new IllegalArgumentException("at most " + max + " " + what);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkConfig c && c.networkId == networkId && c.timestamp == timestamp
        && c.credentialTimeMaxDelta == credentialTimeMaxDelta && c.revision == revision
        && c.issuedTo == issuedTo && c.remoteTraceTarget == remoteTraceTarget
        && c.remoteTraceLevel == remoteTraceLevel && c.flags == flags && c.multicastLimit == multicastLimit
        && c.type == type && Arrays.equals(c.name, name) && c.mtu == mtu && Objects.equals(c.com, com)
        && c.capabilities.equals(capabilities) && c.tags.equals(tags)
        && c.certificatesOfOwnership.equals(certificatesOfOwnership) && c.specialists.equals(specialists)
        && c.routes.equals(routes) && c.staticIps.equals(staticIps) && c.rules.equals(rules)
        && c.dns.equals(dns) && c.sso.equals(sso);
  }

  @Override
  public int hashCode() {
    return Objects.hash(networkId, timestamp, revision, issuedTo, flags, mtu, staticIps, rules);
  }

  @Override
  public String toString() {
    return "NetworkConfig[nwid=" + String.format("%016x", networkId) + " to=" + String.format("%010x", issuedTo)
        + " rev=" + revision + " ts=" + timestamp + " name=" + name() + " type=" + type + " mtu=" + mtu
        + " ips=" + staticIps + " routes=" + routes + " rules=" + rules.size() + "]";
  }
}
