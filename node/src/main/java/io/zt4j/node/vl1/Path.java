package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.PATH_ALIVE_TIMEOUT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PATH_HEARTBEAT_PERIOD_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PEER_GENERAL_RATE_LIMIT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.TRUST_EXPIRATION_MILLIS;

import io.zt4j.node.wire.InetAddress;

/**
 * One physical path: a local socket (an id the host chose) and a remote UDP endpoint. Paths are
 * shared: the {@link Topology} keeps one per (socket, endpoint) and peers refer to it.
 *
 * <p>Tracks when something last arrived and left, the smoothed round-trip latency measured by
 * OK(HELLO)/OK(ECHO), and when a trust-establishing packet last came over it. Owned by the node's
 * thread like everything in the core.
 */
public final class Path {
  /** Latency value meaning "not measured" (ZeroTier's 0xffff). */
  public static final int LATENCY_UNKNOWN = 0xffff;

  private final long localSocket;
  private final InetAddress address;
  private final IpScope scope;
  private long lastInAt;
  private long lastOutAt;
  private long lastTrustEstablishedAt = Long.MIN_VALUE / 2;
  private long lastEchoRequestAt = Long.MIN_VALUE / 2;
  private int latencyMillis = LATENCY_UNKNOWN;
  private int physicalMtu;

  /** The UDP payload MTU toward this path's address (0 until {@link Outbound} looks it up). */
  int physicalMtu() {
    return physicalMtu;
  }

  void physicalMtu(int mtu) {
    this.physicalMtu = mtu;
  }

  public Path(long localSocket, InetAddress address) {
    if (address.isNil()) {
      throw new IllegalArgumentException("nil path address");
    }
    this.localSocket = localSocket;
    this.address = address;
    this.scope = IpScope.of(address);
  }

  /**
   * Whether ZeroTier would carry traffic over {@code a} ({@code Path::isAddressValidForPath}):
   * IPv4/IPv6 with private, pseudo-private, shared or global scope, except Hurricane Electric
   * tunnel space (2001:470::/32). Loopback is refused unless {@code allowLoopback} (a zt4j
   * option for single-machine setups; ZeroTier never uses loopback paths).
   */
  public static boolean isAddressValidForPath(InetAddress a, boolean allowLoopback) {
    if (!a.isV4() && !a.isV6()) {
      return false;
    }
    switch (IpScope.of(a)) {
      case PRIVATE:
      case PSEUDOPRIVATE:
      case SHARED:
      case GLOBAL:
        return !(a.isV6() && a.ipByte(0) == 0x20 && a.ipByte(1) == 0x01 && a.ipByte(2) == 0x04 && a.ipByte(3) == 0x70);
      case LOOPBACK:
        return allowLoopback && a.port() != 0;
      default:
        return false;
    }
  }

  public long localSocket() {
    return localSocket;
  }

  public InetAddress address() {
    return address;
  }

  public IpScope scope() {
    return scope;
  }

  public long lastInAt() {
    return lastInAt;
  }

  public long lastOutAt() {
    return lastOutAt;
  }

  /** Smoothed latency in milliseconds, or {@link #LATENCY_UNKNOWN}. */
  public int latencyMillis() {
    return latencyMillis;
  }

  void received(long now) {
    lastInAt = now;
  }

  void sent(long now) {
    lastOutAt = now;
  }

  void trustedPacketReceived(long now) {
    lastTrustEstablishedAt = now;
  }

  boolean trustEstablished(long now) {
    return now - lastTrustEstablishedAt < TRUST_EXPIRATION_MILLIS;
  }

  /** Averages a new measurement into the latency (ZeroTier's (old + new) / 2). */
  void updateLatency(long measuredMillis) {
    int l = (int) Math.max(0, Math.min(measuredMillis, LATENCY_UNKNOWN - 1));
    latencyMillis = latencyMillis < LATENCY_UNKNOWN ? (latencyMillis + l) / 2 : l;
  }

  /** Something arrived within {@link Vl1Constants#PATH_ALIVE_TIMEOUT_MILLIS}. */
  public boolean alive(long now) {
    return now - lastInAt < PATH_ALIVE_TIMEOUT_MILLIS;
  }

  boolean needsHeartbeat(long now) {
    return now - lastOutAt >= PATH_HEARTBEAT_PERIOD_MILLIS;
  }

  long ageMillis(long now) {
    return now - lastInAt;
  }

  /**
   * Lower is better ({@code Path::quality}): latency while alive, heavily penalised by silence,
   * scaled up for less preferred scopes so private paths beat global ones.
   */
  long quality(long now) {
    long age = Math.min(now - lastInAt, PATH_HEARTBEAT_PERIOD_MILLIS * 10);
    long l = latencyMillis;
    long base = age < PATH_ALIVE_TIMEOUT_MILLIS ? l : l + 0xffff + age;
    return base * ((IpScope.MAX - scope.ordinal()) + 1);
  }

  /** ECHO requests are answered at most six times a second per path. */
  boolean rateGateEchoRequest(long now) {
    if (now - lastEchoRequestAt >= PEER_GENERAL_RATE_LIMIT_MILLIS / 6) {
      lastEchoRequestAt = now;
      return true;
    }
    return false;
  }

  @Override
  public String toString() {
    return address + "@" + localSocket;
  }
}
