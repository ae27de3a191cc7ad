package io.zt4j.node.vl2;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.MAC;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * What we know about one other member of a network we joined ({@code Membership} in ZeroTier):
 * the credentials it presented (COM, tags, capabilities, certificates of ownership), the
 * revocations we received for it, and when we last pushed our own credentials to it.
 *
 * <p>A remote credential counts only while its timestamp is within our config's credential time
 * max delta of our config's timestamp and it is not revoked. A member is allowed on a private
 * network while its COM agrees with ours and is newer than its COM revocation threshold.
 *
 * <p>Not thread-safe; owned by its {@link Network}.
 */
public final class Membership implements RulesEngine.RemoteCredentials {

  /** Outcome of adding a credential ({@code Membership::AddCredentialResult}). */
  public enum AddResult {
    REJECTED,
    ACCEPTED_NEW,
    ACCEPTED_REDUNDANT,
    /** The signer's identity is unknown; ask for it (WHOIS) and add again later. */
    DEFERRED_FOR_WHOIS
  }

  /** Time without a fresh COM after which a member no longer counts as recently associated. */
  public static final long PEER_ACTIVITY_TIMEOUT_MILLIS = 500_000;
  /** Minimum interval between MULTICAST_LIKE announcements to one member. */
  public static final long MULTICAST_ANNOUNCE_PERIOD_MILLIS = 60_000;

  private final long address;
  private CertificateOfMembership com;
  private long comRevocationThreshold;
  private long lastPushedCredentials = Long.MIN_VALUE;
  private long lastUpdatedMulticast = Long.MIN_VALUE;
  private long missingIdentity;
  private final Map<Long, Long> revocations = new HashMap<>(); // credentialKey -> threshold
  private final TreeMap<Long, Tag> tags = new TreeMap<>();
  private final TreeMap<Long, Capability> capabilities = new TreeMap<>();
  private final TreeMap<Long, CertificateOfOwnership> coos = new TreeMap<>();
  // The last COM agreement check: a pure function of our COM, the member's COM and its identity
  // (all immutable), asked for every frame — its SHA-384 of the member's public key and maps
  // were ~9% of a receiving node's loop in bulk transfers. Keyed by the instances.
  private CertificateOfMembership agreedOurs;
  private CertificateOfMembership agreedTheirs;
  private Identity agreedIdentity;
  private boolean agreed;

  public Membership(long address) {
    this.address = address;
  }

  public long address() {
    return address;
  }

  /** The member's latest accepted COM, or null. */
  public CertificateOfMembership com() {
    return com;
  }

  public long comRevocationThreshold() {
    return comRevocationThreshold;
  }

  /** When we last pushed our credentials to this member ({@link Long#MIN_VALUE}: never). */
  public long lastPushedCredentials() {
    return lastPushedCredentials;
  }

  void credentialsPushed(long now) {
    lastPushedCredentials = now;
  }

  /** For {@link AddResult#DEFERRED_FOR_WHOIS}: the identity that was missing. */
  public long missingIdentity() {
    return missingIdentity;
  }

  /**
   * True (and remembers {@code now}) if MULTICAST_LIKE announcements to this member are due
   * ({@code multicastLikeGate}).
   */
  public boolean multicastLikeGate(long now) {
    if (lastUpdatedMulticast == Long.MIN_VALUE || now - lastUpdatedMulticast >= MULTICAST_ANNOUNCE_PERIOD_MILLIS) {
      lastUpdatedMulticast = now;
      return true;
    }
    return false;
  }

  /** Whether this member may exchange frames with us under {@code ourConfig}. */
  public boolean isAllowedOnNetwork(NetworkConfig ourConfig, Identity memberIdentity) {
    if (ourConfig.isPublic()) {
      return true;
    }
    if (com == null || ourConfig.com().isEmpty()) {
      return false;
    }
    return com.timestamp() > comRevocationThreshold && agrees(ourConfig.com().get(), memberIdentity);
  }

  private boolean agrees(CertificateOfMembership ours, Identity memberIdentity) {
    if (ours != agreedOurs || com != agreedTheirs || memberIdentity != agreedIdentity) {
      agreed = ours.agreesWith(com, memberIdentity);
      agreedOurs = ours;
      agreedTheirs = com;
      agreedIdentity = memberIdentity;
    }
    return agreed;
  }

  /** Whether we had a COM from this member recently. */
  public boolean recentlyAssociated(long now) {
    return com != null && now - com.timestamp() < PEER_ACTIVITY_TIMEOUT_MILLIS;
  }

  // ---------------------------------------------------------------------------------------------
  // Credentials as the rules engine sees them

  @Override
  public Tag tag(NetworkConfig config, long id) {
    Tag t = tags.get(id);
    return t != null && timestampValid(config, CredentialType.TAG, t.id(), t.timestamp()) ? t : null;
  }

  @Override
  public boolean ownsIp(NetworkConfig config, byte[] ip) {
    for (CertificateOfOwnership c : coos.values()) {
      if (timestampValid(config, CredentialType.COO, c.id(), c.timestamp()) && c.ownsIp(ip)) {
        return true;
      }
    }
    return ip.length == 16 && ndpEmulated(config, ip);
  }

  @Override
  public boolean ownsMac(NetworkConfig config, MAC mac) {
    for (CertificateOfOwnership c : coos.values()) {
      if (timestampValid(config, CredentialType.COO, c.id(), c.timestamp()) && c.owns(mac)) {
        return true;
      }
    }
    return false;
  }

  /** The member's valid capabilities, by ascending id. */
  public List<Capability> capabilities(NetworkConfig config) {
    List<Capability> out = new ArrayList<>();
    for (Capability c : capabilities.values()) {
      if (timestampValid(config, CredentialType.CAPABILITY, c.id(), c.timestamp())) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * An address in the network's RFC 4193 /88 or 6PLANE /40 prefix counts as owned when we have
   * such an address ourselves and NDP emulation is on ({@code _isV6NDPEmulated}).
   */
  private static boolean ndpEmulated(NetworkConfig config, byte[] ip) {
    if (!config.ndpEmulation()) {
      return false;
    }
    byte[] sixPlane = ManagedAddresses.sixPlane(config.networkId(), config.issuedTo()).ip();
    byte[] rfc4193 = ManagedAddresses.rfc4193(config.networkId(), config.issuedTo()).ip();
    for (var a : config.staticIps()) {
      if (a.isV6() && java.util.Arrays.equals(a.ip(), sixPlane)) {
        if (java.util.Arrays.equals(ip, 0, 5, sixPlane, 0, 5)) {
          return true;
        }
        break;
      }
    }
    for (var a : config.staticIps()) {
      if (a.isV6() && java.util.Arrays.equals(a.ip(), rfc4193)) {
        if (java.util.Arrays.equals(ip, 0, 11, rfc4193, 0, 11)) {
          return true;
        }
        break;
      }
    }
    return false;
  }

  private boolean timestampValid(NetworkConfig config, CredentialType type, long id, long ts) {
    long d = ts >= config.timestamp() ? ts - config.timestamp() : config.timestamp() - ts;
    if (d > config.credentialTimeMaxDelta()) {
      return false;
    }
    Long threshold = revocations.get(credentialKey(type, id));
    return threshold == null || ts > threshold;
  }

  static long credentialKey(CredentialType type, long id) {
    return ((long) type.code() << 32) | (id & 0xFFFF_FFFFL);
  }

  // ---------------------------------------------------------------------------------------------
  // Adding credentials

  /** Adds the member's COM ({@code addCredential(COM)}); the signer must be the controller. */
  public AddResult add(CertificateOfMembership c, LongFunction<Identity> identities) {
    long ts = c.timestamp();
    if (ts <= comRevocationThreshold) {
      return AddResult.REJECTED;
    }
    long oldTs = com == null ? 0 : com.timestamp();
    if (ts < oldTs) {
      return AddResult.REJECTED;
    }
    if (c.equals(com)) {
      return AddResult.ACCEPTED_REDUNDANT;
    }
    if (!c.isSigned() || c.signedBy() != CertificateOfMembership.controllerFor(c.networkId())) {
      return AddResult.REJECTED;
    }
    Identity signer = identities.apply(c.signedBy());
    if (signer == null) {
      missingIdentity = c.signedBy();
      return AddResult.DEFERRED_FOR_WHOIS;
    }
    if (!c.verify(signer)) {
      return AddResult.REJECTED;
    }
    com = c;
    return AddResult.ACCEPTED_NEW;
  }

  public AddResult add(Tag t, LongFunction<Identity> identities) {
    return addById(tags, CredentialType.TAG, t.id(), t.timestamp(), t, t.verify(identities));
  }

  public AddResult add(Capability c, LongFunction<Identity> identities) {
    return addById(capabilities, CredentialType.CAPABILITY, c.id(), c.timestamp(), c, c.verify(identities));
  }

  public AddResult add(CertificateOfOwnership c, LongFunction<Identity> identities) {
    return addById(coos, CredentialType.COO, c.id(), c.timestamp(), c, c.verify(identities));
  }

  private <C> AddResult addById(Map<Long, C> store, CredentialType type, long id, long ts, C cred,
      Verification verification) {
    C existing = store.get(id);
    if (existing != null) {
      if (timestampOf(existing) > ts) {
        return AddResult.REJECTED;
      }
      if (existing.equals(cred)) {
        return AddResult.ACCEPTED_REDUNDANT;
      }
    }
    Long threshold = revocations.get(credentialKey(type, id));
    if (threshold != null && threshold >= ts) {
      return AddResult.REJECTED;
    }
    return switch (verification.outcome()) {
      case OK -> {
        store.put(id, cred);
        yield AddResult.ACCEPTED_NEW;
      }
      case NEED_IDENTITY -> {
        missingIdentity = verification.missingIdentity();
        yield AddResult.DEFERRED_FOR_WHOIS;
      }
      case BAD -> AddResult.REJECTED;
    };
  }

  private static long timestampOf(Object c) {
    if (c instanceof Tag t) {
      return t.timestamp();
    }
    if (c instanceof Capability c2) {
      return c2.timestamp();
    }
    return ((CertificateOfOwnership) c).timestamp();
  }

  /**
   * Adds a revocation of this member's credentials. As in ZeroTier 1.14, revoking a capability,
   * tag or COO also raises the COM revocation threshold.
   */
  public AddResult add(Revocation r, LongFunction<Identity> identities) {
    Verification v = r.verify(identities);
    if (v.outcome() == Verification.Outcome.NEED_IDENTITY) {
      missingIdentity = v.missingIdentity();
      return AddResult.DEFERRED_FOR_WHOIS;
    }
    if (!v.isOk()) {
      return AddResult.REJECTED;
    }
    CredentialType type = r.credentialType();
    if (type == CredentialType.COM) {
      if (r.threshold() > comRevocationThreshold) {
        comRevocationThreshold = r.threshold();
        return AddResult.ACCEPTED_NEW;
      }
      return AddResult.ACCEPTED_REDUNDANT;
    }
    if (type == CredentialType.CAPABILITY || type == CredentialType.TAG || type == CredentialType.COO) {
      long key = credentialKey(type, r.credentialId());
      long current = revocations.getOrDefault(key, 0L);
      if (current < r.threshold()) {
        revocations.put(key, r.threshold());
        comRevocationThreshold = r.threshold();
        return AddResult.ACCEPTED_NEW;
      }
      return AddResult.ACCEPTED_REDUNDANT;
    }
    return AddResult.REJECTED;
  }

  /** Forgets credentials that are no longer valid under {@code config}. */
  public void clean(NetworkConfig config) {
    removeInvalid(tags.values().iterator(), config, CredentialType.TAG);
    removeInvalid(capabilities.values().iterator(), config, CredentialType.CAPABILITY);
    removeInvalid(coos.values().iterator(), config, CredentialType.COO);
  }

  private void removeInvalid(Iterator<?> it, NetworkConfig config, CredentialType type) {
    while (it.hasNext()) {
      Object c = it.next();
      long id = c instanceof Tag t ? t.id() : c instanceof Capability cap ? cap.id() : ((CertificateOfOwnership) c).id();
      if (!timestampValid(config, type, id, timestampOf(c))) {
        it.remove();
      }
    }
  }
}
