package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.DIRECT_PATH_PUSH_INTERVAL_HAVEPATH_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.DIRECT_PATH_PUSH_INTERVAL_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.MAX_PEER_NETWORK_PATHS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_ACTIVITY_TIMEOUT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_GENERAL_RATE_LIMIT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_PATH_EXPIRATION_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_PING_PERIOD_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_WHOIS_RATE_LIMIT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PUSH_DIRECT_PATHS_CUTOFF_LIMIT;
import static io.zt4j.node.vl1.Vl1Constants.PUSH_DIRECT_PATHS_CUTOFF_TIME_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.TRUST_EXPIRATION_MILLIS;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Another ZeroTier node we know the identity of ({@code Peer}): its key material, the protocol
 * and software version it announced, its physical paths with when each last carried something,
 * and the timers and rate gates ZeroTier keeps per peer.
 *
 * <p>Path learning follows ZeroTier: a path is learned only from an OK that arrived directly
 * (hops 0) over it; any other direct packet from an unknown path makes us confirm the path with a
 * HELLO (at most once a second per path). Paths silent for
 * {@link Vl1Constants#PEER_PATH_EXPIRATION_MILLIS} are dropped at the next keepalive round.
 *
 * <p>Owned by the node thread. Methods that send take the {@link Vl1} engine as an argument.
 */
public final class Peer {
  /** A point in time that is long enough ago for every "last …" comparison. */
  static final long NEVER = Long.MIN_VALUE / 4;

  /** One of the peer's paths with when a valid packet last arrived over it. */
  static final class PeerPath {
    final Path path;
    long lastReceiveAt;
    long priority = 1;

    PeerPath(Path path, long lastReceiveAt) {
      this.path = path;
      this.lastReceiveAt = lastReceiveAt;
    }
  }

  private record TriedPath(Path path, long at) {}

  private final Identity identity;
  private final long address;
  private final PeerCipher cipher;
  private int vProto;
  private int vMajor;
  private int vMinor;
  private int vRevision;

  private long lastReceiveAt = NEVER;
  private long lastNontrivialReceiveAt = NEVER;
  private long lastTriedMemorizedPathAt = NEVER;
  private long lastDirectPathPushSentAt = NEVER;
  private long lastDirectPathPushReceiveAt = NEVER;
  private long lastCredentialRequestSentAt = NEVER;
  private long lastWhoisRequestReceivedAt = NEVER;
  private long lastCredentialsReceivedAt = NEVER;
  private long lastTrustEstablishedAt = NEVER;
  private long lastSentFullHelloAt = NEVER;
  private int directPathPushCutoffCount;
  private Boolean reportedDirect;

  private final List<PeerPath> paths = new ArrayList<>();
  private final ArrayDeque<TriedPath> triedPaths = new ArrayDeque<>();

  /**
   * @param identity the peer's (public) identity
   * @param cipher armour keyed with the key we agreed with it
   */
  Peer(Identity identity, PeerCipher cipher) {
    this.identity = identity;
    this.address = identity.address().toLong();
    this.cipher = cipher;
  }

  public Identity identity() {
    return identity;
  }

  public long address() {
    return address;
  }

  PeerCipher cipher() {
    return cipher;
  }

  // ---- version ----------------------------------------------------------------------------

  void setRemoteVersion(int proto, int major, int minor, int revision) {
    vProto = proto;
    vMajor = major;
    vMinor = minor;
    vRevision = revision;
  }

  public int remoteProtocol() {
    return vProto;
  }

  public int remoteMajor() {
    return vMajor;
  }

  public int remoteMinor() {
    return vMinor;
  }

  public int remoteRevision() {
    return vRevision;
  }

  /** Whether HELLO/OK(HELLO) told us the peer's software version. */
  public boolean remoteVersionKnown() {
    return vMajor > 0 || vMinor > 0 || vRevision > 0;
  }

  /**
   * AES-GMAC-SIV (cipher suite 3) once the peer is known to speak protocol 12 or later;
   * Salsa20/12-Poly1305 (suite 1) before that.
   */
  boolean useAes() {
    return vProto >= Vl1Constants.PROTO_VERSION_AES_GMAC_SIV;
  }

  // ---- liveness ---------------------------------------------------------------------------

  public long lastReceiveAt() {
    return lastReceiveAt;
  }

  long lastSentFullHelloAt() {
    return lastSentFullHelloAt;
  }

  /** Heard from (directly or relayed) within the activity timeout. */
  public boolean isAlive(long now) {
    return now - lastReceiveAt < PEER_ACTIVITY_TIMEOUT_MILLIS;
  }

  /** Sent us frames or network config traffic within the activity timeout: worth keeping paths to. */
  boolean isActive(long now) {
    return now - lastNontrivialReceiveAt < PEER_ACTIVITY_TIMEOUT_MILLIS;
  }

  /** Marks the peer active (VL2 traffic, or a VL1 user of the node sending to it). */
  void markNontrivialReceive(long now) {
    lastNontrivialReceiveAt = now;
  }

  boolean trustEstablished(long now) {
    return now - lastTrustEstablishedAt < TRUST_EXPIRATION_MILLIS;
  }

  // ---- paths ------------------------------------------------------------------------------

  /** Current paths (including ones not recently heard from), in table order. */
  public List<Path> paths() {
    List<Path> out = new ArrayList<>(paths.size());
    for (PeerPath pp : paths) {
      out.add(pp.path);
    }
    return out;
  }

  /** Whether {@code addr} is a path heard from within the expiration period. */
  boolean hasActivePathTo(long now, InetAddress addr) {
    for (PeerPath pp : paths) {
      if (now - pp.lastReceiveAt < PEER_PATH_EXPIRATION_MILLIS && pp.path.address().equals(addr)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The best path ({@code getAppropriatePath}): lowest quality/priority among paths heard from
   * within the expiration period (or among all, if {@code includeExpired}); null if none.
   */
  public Path bestPath(long now, boolean includeExpired) {
    Path best = null;
    long bestQ = Long.MAX_VALUE;
    for (PeerPath pp : paths) {
      if (includeExpired || now - pp.lastReceiveAt < PEER_PATH_EXPIRATION_MILLIS) {
        long q = pp.path.quality(now) / pp.priority;
        if (q <= bestQ) {
          bestQ = q;
          best = pp.path;
        }
      }
    }
    return best;
  }

  /** Latency over the best path, or {@link Path#LATENCY_UNKNOWN}. */
  public int latencyMillis(long now) {
    Path p = bestPath(now, false);
    return p == null ? Path.LATENCY_UNKNOWN : p.latencyMillis();
  }

  /** Lower is better: how suitable this peer is as a relay ({@code relayQuality}). */
  long relayQuality(long now) {
    long sinceReceive = now - lastReceiveAt;
    if (sinceReceive >= PEER_ACTIVITY_TIMEOUT_MILLIS) {
      return Long.MAX_VALUE;
    }
    long l = latencyMillis(now);
    if (l == 0) {
      l = 0xffff;
    }
    return l * ((sinceReceive / (PEER_PING_PERIOD_MILLIS + 1000)) + 1);
  }

  /** The best path per IP scope and family, for introductions: index [scope][0=v4,1=v6]. */
  Path[][] bestPathsByScope(long now) {
    Path[][] best = new Path[IpScope.MAX + 1][2];
    long[][] q = new long[IpScope.MAX + 1][2];
    for (long[] row : q) {
      row[0] = Long.MAX_VALUE;
      row[1] = Long.MAX_VALUE;
    }
    for (PeerPath pp : paths) {
      long quality = pp.path.quality(now) / pp.priority;
      int s = pp.path.scope().ordinal();
      int f = pp.path.address().isV6() ? 1 : 0;
      if (quality <= q[s][f]) {
        q[s][f] = quality;
        best[s][f] = pp.path;
      }
    }
    return best;
  }

  /**
   * Accounts for an authenticated packet from this peer over {@code path} ({@code Peer::received}):
   * liveness, trust, path learning or confirmation, and the periodic PUSH_DIRECT_PATHS to trusted
   * peers.
   *
   * @param trustEstablished the packet proved network membership (VL2 credentials checked)
   */
  void received(Vl1 vl1, Path path, int hops, int verb, boolean trustEstablished, long now) {
    lastReceiveAt = now;
    if (Verbs.isNontrivial(verb)) {
      lastNontrivialReceiveAt = now;
    }
    if (trustEstablished) {
      lastTrustEstablishedAt = now;
      path.trustedPacketReceived(now);
    }
    if (hops == 0) {
      learnOrConfirm(vl1, path, verb, now);
    }
    if (trustEstablished(now)) {
      long interval = hops == 0 ? DIRECT_PATH_PUSH_INTERVAL_HAVEPATH_MILLIS : DIRECT_PATH_PUSH_INTERVAL_MILLIS;
      if (now - lastDirectPathPushSentAt >= interval) {
        lastDirectPathPushSentAt = now;
        vl1.pushDirectPaths(this, path, now);
      }
    }
  }

  private void learnOrConfirm(Vl1 vl1, Path path, int verb, long now) {
    for (PeerPath pp : paths) {
      if (pp.path == path) {
        pp.lastReceiveAt = now;
        return;
      }
      // Same IP on the same socket but another port, still alive: don't learn (avoids loops).
      if (sameIp(pp.path.address(), path.address()) && pp.path.localSocket() == path.localSocket()
          && pp.path.alive(now)) {
        return;
      }
    }
    if (!vl1.shouldUsePath(address, path.localSocket(), path.address())) {
      return;
    }
    if (verb == Verbs.OK) {
      learn(vl1, path, now);
    } else {
      confirm(vl1, path, now);
    }
  }

  private void learn(Vl1 vl1, Path path, long now) {
    int replace = -1;
    int oldest = -1;
    long oldestAge = -1;
    for (int i = 0; i < paths.size(); i++) {
      PeerPath pp = paths.get(i);
      long age = pp.path.ageMillis(now);
      if (age > oldestAge) {
        oldestAge = age;
        oldest = i;
      }
      if (sameIp(pp.path.address(), path.address()) && pp.path.localSocket() == path.localSocket()
          && !pp.path.alive(now)) {
        replace = i;
        break;
      }
    }
    PeerPath learned = new PeerPath(path, now);
    if (replace >= 0) {
      paths.set(replace, learned);
    } else if (paths.size() < MAX_PEER_NETWORK_PATHS) {
      paths.add(learned);
    } else {
      paths.set(oldest, learned);
    }
    vl1.pathLearned(this, path);
  }

  private void confirm(Vl1 vl1, Path path, long now) {
    boolean triedRecently = false;
    for (Iterator<TriedPath> it = triedPaths.iterator(); it.hasNext(); ) {
      TriedPath t = it.next();
      if (now - t.at() > 1000) {
        it.remove();
      } else if (t.path() == path) {
        triedRecently = true;
      }
    }
    if (!triedRecently) {
      triedPaths.add(new TriedPath(path, now));
      vl1.attemptToContactAt(this, path.localSocket(), path.address(), now, true);
      path.sent(now);
    }
  }

  /**
   * Keeps paths alive ({@code doPingAndKeepalive}): a full HELLO on every path once per
   * {@link Vl1Constants#PEER_PING_PERIOD_MILLIS}, otherwise an ECHO on paths due a heartbeat;
   * expired paths are removed.
   *
   * @return bit 0x1 if something went out over IPv4, 0x2 over IPv6
   */
  int doPingAndKeepalive(Vl1 vl1, long now) {
    boolean fullHello = now - lastSentFullHelloAt >= PEER_PING_PERIOD_MILLIS;
    if (fullHello) {
      lastSentFullHelloAt = now;
    }
    long maxPriority = 0;
    for (PeerPath pp : paths) {
      maxPriority = Math.max(maxPriority, pp.priority);
    }
    int sent = 0;
    for (Iterator<PeerPath> it = paths.iterator(); it.hasNext(); ) {
      PeerPath pp = it.next();
      if (now - pp.lastReceiveAt < PEER_PATH_EXPIRATION_MILLIS && pp.priority == maxPriority) {
        if (fullHello || pp.path.needsHeartbeat(now)) {
          vl1.attemptToContactAt(this, pp.path.localSocket(), pp.path.address(), now, fullHello);
          pp.path.sent(now);
          sent |= pp.path.address().isV4() ? 0x1 : 0x2;
        }
      } else {
        it.remove();
      }
    }
    return sent;
  }

  /** Re-confirms paths in a scope after our external address changed ({@code resetWithinScope}). */
  void resetWithinScope(Vl1 vl1, IpScope scope, InetAddress.Family family, long now) {
    for (PeerPath pp : paths) {
      if (pp.path.address().family() == family && pp.path.scope() == scope) {
        vl1.attemptToContactAt(this, pp.path.localSocket(), pp.path.address(), now, false);
        pp.path.sent(now);
        pp.lastReceiveAt = 0; // used again only once it speaks
      }
    }
  }

  /** Tries the host's remembered address for this peer, at most every 30 s. */
  void tryMemorizedPath(Vl1 vl1, long now) {
    if (now - lastTriedMemorizedPathAt >= Vl1Constants.TRY_MEMORIZED_PATH_INTERVAL_MILLIS) {
      lastTriedMemorizedPathAt = now;
      vl1.memorizedPath(this).ifPresent(a -> vl1.attemptToContactAt(this, -1, a, now, true));
    }
  }

  /**
   * Whether having a direct path changed since last asked: true when one appears (also the first
   * time), false when it is lost, null when nothing changed or the peer was never direct. Direct
   * means what {@code zerotier-cli peers} shows as DIRECT: a path not yet expired, which is what
   * traffic uses.
   */
  Boolean directnessChange(long now) {
    boolean direct = bestPath(now, false) != null;
    if (reportedDirect == null ? direct : reportedDirect != direct) {
      reportedDirect = direct;
      return direct;
    }
    return null;
  }

  // ---- rate gates -------------------------------------------------------------------------

  /** Inbound PUSH_DIRECT_PATHS: at most {@code CUTOFF_LIMIT} within each cutoff window. */
  boolean rateGatePushDirectPaths(long now) {
    if (now - lastDirectPathPushReceiveAt <= PUSH_DIRECT_PATHS_CUTOFF_TIME_MILLIS) {
      directPathPushCutoffCount++;
    } else {
      directPathPushCutoffCount = 0;
    }
    lastDirectPathPushReceiveAt = now;
    return directPathPushCutoffCount < PUSH_DIRECT_PATHS_CUTOFF_LIMIT;
  }

  /** Inbound WHOIS from a non-root requester: one per 100 ms. */
  boolean rateGateInboundWhoisRequest(long now) {
    if (now - lastWhoisRequestReceivedAt >= PEER_WHOIS_RATE_LIMIT_MILLIS) {
      lastWhoisRequestReceivedAt = now;
      return true;
    }
    return false;
  }

  /** Credentials received (VL2): one per second. */
  public boolean rateGateCredentialsReceived(long now) {
    if (now - lastCredentialsReceivedAt >= Vl1Constants.PEER_GENERAL_RATE_LIMIT_MILLIS) {
      lastCredentialsReceivedAt = now;
      return true;
    }
    return false;
  }

  /** Credential requests sent (VL2): one per second. */
  public boolean rateGateRequestCredentials(long now) {
    if (now - lastCredentialRequestSentAt >= PEER_GENERAL_RATE_LIMIT_MILLIS) {
      lastCredentialRequestSentAt = now;
      return true;
    }
    return false;
  }

  // ---- peer cache -------------------------------------------------------------------------

  /**
   * The peer cache record ({@code serializeForCache}, {@code peers.d/<address>.peer}):
   * {@code 0x02 | identity (public, 71) | proto u16 | major u16 | minor u16 | revision u16 |
   * path count u16 | InetAddress…}.
   */
  byte[] serializeForCache() {
    byte[] id = identity.serialize(false);
    int len = 1 + id.length + 10;
    for (PeerPath pp : paths) {
      len += pp.path.address().serializedLength();
    }
    byte[] out = new byte[len];
    int p = 0;
    out[p++] = 2;
    System.arraycopy(id, 0, out, p, id.length);
    p += id.length;
    for (int v : new int[] {vProto, vMajor, vMinor, vRevision, paths.size()}) {
      out[p++] = (byte) (v >>> 8);
      out[p++] = (byte) v;
    }
    for (PeerPath pp : paths) {
      p += pp.path.address().writeTo(out, p);
    }
    return out;
  }

  static boolean sameIp(InetAddress a, InetAddress b) {
    if (a.family() != b.family()) {
      return false;
    }
    int n = a.isV4() ? 4 : 16;
    for (int i = 0; i < n; i++) {
      if (a.ipByte(i) != b.ipByte(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return identity.address().toString();
  }
}
