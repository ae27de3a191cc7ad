package io.zt4j.node.vl1;

/**
 * ZeroTier One 1.14's VL1 timing and limits ({@code node/Constants.hpp}); each constant names
 * the ZeroTier macro it mirrors, so behaviour (and interoperation) matches the reference node.
 */
public final class Vl1Constants {
  private Vl1Constants() {}

  /** {@code ZT_CORE_TIMER_TASK_GRANULARITY}: background tasks never run closer than this. */
  public static final long TIMER_GRANULARITY_MILLIS = 60;
  /** {@code ZT_HOUSEKEEPING_PERIOD}: peer/path/self-awareness clean-up. */
  public static final long HOUSEKEEPING_PERIOD_MILLIS = 30_000;
  /** {@code ZT_WHOIS_RETRY_DELAY}: minimum interval between WHOIS for one address; queue check period. */
  public static final long WHOIS_RETRY_DELAY_MILLIS = 500;
  /** {@code ZT_TRANSMIT_QUEUE_TIMEOUT}: a packet waiting for WHOIS is dropped after this. */
  public static final long TRANSMIT_QUEUE_TIMEOUT_MILLIS = 5_000;
  /** {@code ZT_RECEIVE_QUEUE_TIMEOUT}: a received packet waiting for WHOIS is dropped after this. */
  public static final long RECEIVE_QUEUE_TIMEOUT_MILLIS = 5_000;
  /** {@code ZT_RX_QUEUE_SIZE}: received packets (and fragment sets) held at once. */
  public static final int RX_QUEUE_SIZE = 32;
  /** {@code ZT_TX_QUEUE_SIZE}: outgoing packets waiting for WHOIS held at once. */
  public static final int TX_QUEUE_SIZE = 32;
  /** {@code ZT_RELAY_MAX_HOPS}: a packet with this many hops is not relayed further. */
  public static final int RELAY_MAX_HOPS = 3;
  /** {@code ZT_PING_CHECK_INTERVAL}: how often peers and upstreams are checked for pinging. */
  public static final long PING_CHECK_INTERVAL_MILLIS = 5_000;
  /** {@code ZT_PATH_HEARTBEAT_PERIOD}: a path is sent something at least this often. */
  public static final long PATH_HEARTBEAT_PERIOD_MILLIS = 14_000;
  /** A path is alive while something arrived within heartbeat period + 5 s ({@code Path::alive}). */
  public static final long PATH_ALIVE_TIMEOUT_MILLIS = PATH_HEARTBEAT_PERIOD_MILLIS + 5_000;
  /** {@code ZT_PEER_PING_PERIOD}: a full HELLO goes to each active peer this often. */
  public static final long PEER_PING_PERIOD_MILLIS = 60_000;
  /** {@code ZT_PEER_PATH_EXPIRATION}: a path silent this long is forgotten. */
  public static final long PEER_PATH_EXPIRATION_MILLIS = PEER_PING_PERIOD_MILLIS * 4 + 3_000;
  /** {@code ZT_PEER_ACTIVITY_TIMEOUT}: a peer (or upstream, for ONLINE) silent this long is inactive. */
  public static final long PEER_ACTIVITY_TIMEOUT_MILLIS = 500_000;
  /** {@code ZT_MIN_UNITE_INTERVAL}: a relay introduces the same two peers at most this often. */
  public static final long MIN_UNITE_INTERVAL_MILLIS = 30_000;
  /** {@code ZT_TRY_MEMORIZED_PATH_INTERVAL}: how often the host's remembered path is tried. */
  public static final long TRY_MEMORIZED_PATH_INTERVAL_MILLIS = 30_000;
  /** {@code ZT_DIRECT_PATH_PUSH_INTERVAL}: PUSH_DIRECT_PATHS period to a trusted peer without a direct path. */
  public static final long DIRECT_PATH_PUSH_INTERVAL_MILLIS = 15_000;
  /** {@code ZT_DIRECT_PATH_PUSH_INTERVAL_HAVEPATH}: … and with one. */
  public static final long DIRECT_PATH_PUSH_INTERVAL_HAVEPATH_MILLIS = 120_000;
  /** {@code ZT_PUSH_DIRECT_PATHS_CUTOFF_TIME}: window of the inbound PUSH_DIRECT_PATHS rate limit. */
  public static final long PUSH_DIRECT_PATHS_CUTOFF_TIME_MILLIS = 30_000;
  /** {@code ZT_PUSH_DIRECT_PATHS_CUTOFF_LIMIT}: pushes accepted per window. */
  public static final int PUSH_DIRECT_PATHS_CUTOFF_LIMIT = 8;
  /** {@code ZT_PUSH_DIRECT_PATHS_MAX_PER_SCOPE_AND_FAMILY}: addresses tried per scope and family per push. */
  public static final int PUSH_DIRECT_PATHS_MAX_PER_SCOPE_AND_FAMILY = 8;
  /** PUSH_DIRECT_PATHS packets are filled up to this payload size before another is started. */
  public static final int PUSH_DIRECT_PATHS_MAX_PACKET_BYTES = 1200;
  /** {@code ZT_PEER_WHOIS_RATE_LIMIT}: inbound WHOIS per peer (non-roots). */
  public static final long PEER_WHOIS_RATE_LIMIT_MILLIS = 100;
  /** {@code ZT_PEER_GENERAL_RATE_LIMIT}; ECHO requests per path are limited to a sixth of it. */
  public static final long PEER_GENERAL_RATE_LIMIT_MILLIS = 1_000;
  /** {@code ZT_TRUST_EXPIRATION}: a trust-establishing packet counts for this long. */
  public static final long TRUST_EXPIRATION_MILLIS = 600_000;
  /** {@code ZT_IDENTITY_VALIDATION_SOURCE_RATE_LIMIT} (Linux/x64 value): expensive identity checks per source IP. */
  public static final long IDENTITY_VALIDATION_SOURCE_RATE_LIMIT_MILLIS = 2_000;
  /** Slots of the per-source identity validation rate gate ({@code _lastIdentityVerification[16384]}). */
  public static final int IDENTITY_VALIDATION_SLOTS = 16384;
  /** {@code ZT_SELFAWARENESS_ENTRY_TIMEOUT}: an external-address report is kept this long. */
  public static final long SELFAWARENESS_ENTRY_TIMEOUT_MILLIS = 600_000;
  /** {@code ZT_MAX_PEER_NETWORK_PATHS}: paths kept per peer. */
  public static final int MAX_PEER_NETWORK_PATHS = 64;
  /** {@code ZT_PROTO_VERSION_MIN}: HELLOs and OK(HELLO)s from older protocols are dropped. */
  public static final int PROTO_VERSION_MIN = 4;
  /** Peers announcing at least this protocol get AES-GMAC-SIV (cipher suite 3). */
  public static final int PROTO_VERSION_AES_GMAC_SIV = 12;
  /** {@code ZT_DEFAULT_PHYSMTU}: largest UDP payload sent before fragmenting. */
  public static final int DEFAULT_PHYSICAL_MTU = 1432;
  /** {@code ZT_MIN_PHYSMTU}: the smallest configurable physical path MTU. */
  public static final int MIN_PHYSICAL_MTU = 1400;
  /** {@code ZT_MAX_PHYSMTU} = {@code ZT_MAX_PHYSPAYLOAD} (10100) + {@code ZT_MAX_HEADROOM} (224). */
  public static final int MAX_PHYSICAL_MTU = 10100 + 224;
  /** Beacons from pre-1.0.4 nodes are exactly this long ({@code Switch::onRemotePacket}). */
  public static final int LEGACY_BEACON_LENGTH = 13;
  /** Minimum interval between answers to legacy beacons. */
  public static final long BEACON_RESPONSE_INTERVAL_MILLIS = 2_500;
  /** {@code ZT_NETWORK_AUTOCONF_DELAY}: VL2 refreshes network configs this often. */
  public static final long NETWORK_AUTOCONF_DELAY_MILLIS = 60_000;
}
