package io.zt4j.node;

import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How to build a {@link Node}. Immutable; make one with {@link #builder(RandomGenerator)}.
 *
 * <ul>
 *   <li>{@code random}: the only source of randomness (identity generation, packet ids, NAT
 *       traversal choices). Use a {@code SecureRandom} in production; tests pass a seeded
 *       generator so whole networks replay exactly.
 *   <li>{@code planet}: a planet to use instead of the stored or built-in one (a private root
 *       set). A stored planet with the same id and a newer, properly signed revision still
 *       replaces it, as ZeroTier updates planets.
 *   <li>{@code allowLoopbackPaths}: accept 127.0.0.0/8 and ::1 as physical paths. ZeroTier never
 *       does; zt4j allows it so a private planet with its roots on loopback works on one machine.
 *   <li>{@code loopbackIdentityValidationIntervalMillis}: how often a new identity arriving from a
 *       loopback source (127.0.0.0/8, ::1) is validated. ZeroTier validates at most one new
 *       identity per source /24 every 2 s ({@code ZT_IDENTITY_VALIDATION_SOURCE_RATE_LIMIT}), the
 *       default here too; all nodes on one machine share 127.0.0.1, so a root that serves a
 *       single-machine planet may lower it (0: no limit for loopback sources) and several nodes
 *       started together come online at once instead of 5 s apart. Other sources always keep
 *       ZeroTier's limit.
 *   <li>{@code trustedPaths}: physical networks where packets go and are accepted without
 *       encryption or authentication (ZeroTier's trusted paths, cipher suite 2; see
 *       {@link TrustedPath}); none by default, so every suite-2 packet is dropped.
 *   <li>{@code physicalPathMtu}: the largest UDP payload sent to physical addresses in a network
 *       ({@code ZT_PhysicalPathConfiguration.mtu}, ZeroTier One's {@code physical} settings in
 *       {@code local.conf}); packets above it are split into ZeroTier fragments. Default
 *       {@value io.zt4j.node.vl1.Vl1Constants#DEFAULT_PHYSICAL_MTU} everywhere.
 * </ul>
 */
public final class NodeConfig {
  private final RandomGenerator random;
  private final World planet;
  private final boolean allowLoopbackPaths;
  private final long loopbackIdentityValidationIntervalMillis;
  private final List<TrustedPath> trustedPaths;
  private final List<PhysicalPathMtu> physicalPathMtus;

  /**
   * The UDP payload MTU for physical addresses inside {@code network} (an IP whose port is the
   * prefix length, as ZeroTier writes CIDRs), clamped as ZeroTier clamps it.
   */
  public record PhysicalPathMtu(InetAddress network, int mtu) {
    public PhysicalPathMtu {
      Objects.requireNonNull(network);
      int max = network.isV4() ? 32 : 128;
      if (network.isNil() || network.port() > max) {
        throw new IllegalArgumentException("not a network: " + network);
      }
      mtu = mtu <= 0 ? io.zt4j.node.vl1.Vl1Constants.DEFAULT_PHYSICAL_MTU
          : Math.max(io.zt4j.node.vl1.Vl1Constants.MIN_PHYSICAL_MTU, Math.min(io.zt4j.node.vl1.Vl1Constants.MAX_PHYSICAL_MTU, mtu));
    }

    /** Whether {@code a} lies inside this network. */
    public boolean contains(InetAddress a) {
      if (a.family() != network.family()) {
        return false;
      }
      int bits = network.port();
      int i = 0;
      for (; bits >= 8; bits -= 8, i++) {
        if (a.ipByte(i) != network.ipByte(i)) {
          return false;
        }
      }
      if (bits == 0) {
        return true;
      }
      int mask = (0xFF << (8 - bits)) & 0xFF;
      return (a.ipByte(i) & mask) == (network.ipByte(i) & mask);
    }
  }

  private NodeConfig(Builder b) {
    this.random = b.random;
    this.planet = b.planet;
    this.allowLoopbackPaths = b.allowLoopbackPaths;
    this.loopbackIdentityValidationIntervalMillis = b.loopbackIdentityValidationIntervalMillis;
    this.trustedPaths = List.copyOf(b.trustedPaths);
    this.physicalPathMtus = List.copyOf(b.physicalPathMtus);
  }

  public static Builder builder(RandomGenerator random) {
    return new Builder(random);
  }

  public RandomGenerator random() {
    return random;
  }

  public Optional<World> planet() {
    return Optional.ofNullable(planet);
  }

  public boolean allowLoopbackPaths() {
    return allowLoopbackPaths;
  }

  /** Minimum interval between validations of new identities from loopback sources (ms). */
  public long loopbackIdentityValidationIntervalMillis() {
    return loopbackIdentityValidationIntervalMillis;
  }

  /** The configured trusted paths (at most {@link TrustedPath#MAX}); empty by default. */
  public List<TrustedPath> trustedPaths() {
    return trustedPaths;
  }

  /** Configured physical path MTUs, first match wins. */
  public List<PhysicalPathMtu> physicalPathMtus() {
    return physicalPathMtus;
  }

  /** {@code ZT_MAX_CONFIGURABLE_PATHS}. */
  public static final int MAX_CONFIGURABLE_PATHS = 32;

  /** Builds a {@link NodeConfig}. */
  public static final class Builder {
    private final RandomGenerator random;
    private World planet;
    private boolean allowLoopbackPaths;
    private long loopbackIdentityValidationIntervalMillis =
        io.zt4j.node.vl1.Vl1Constants.IDENTITY_VALIDATION_SOURCE_RATE_LIMIT_MILLIS;
    private final List<TrustedPath> trustedPaths = new ArrayList<>();
    private final List<PhysicalPathMtu> physicalPathMtus = new ArrayList<>();

    private Builder(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
    }

    /** Uses {@code planet} (type PLANET) instead of the stored or built-in one. */
    public Builder planet(World planet) {
      if (planet.type() != World.Type.PLANET) {
        throw new IllegalArgumentException("not a planet: " + planet.type());
      }
      this.planet = planet;
      return this;
    }

    public Builder allowLoopbackPaths(boolean allow) {
      this.allowLoopbackPaths = allow;
      return this;
    }

    /**
     * Interval between validations of new identities from loopback sources; ZeroTier's 2000 ms
     * by default, 0 for no limit (a root serving nodes on the same machine).
     */
    public Builder loopbackIdentityValidationIntervalMillis(long millis) {
      if (millis < 0) {
        throw new IllegalArgumentException("negative interval");
      }
      this.loopbackIdentityValidationIntervalMillis = millis;
      return this;
    }

    /**
     * Adds a trusted path (see {@link TrustedPath}); the first configured network containing an
     * address decides its id. At most {@link TrustedPath#MAX}.
     */
    public Builder trustedPath(TrustedPath path) {
      Objects.requireNonNull(path, "path");
      if (trustedPaths.size() >= TrustedPath.MAX) {
        throw new IllegalArgumentException("at most " + TrustedPath.MAX + " trusted paths");
      }
      trustedPaths.add(path);
      return this;
    }

    /**
     * Sends UDP payloads of up to {@code mtu} bytes to addresses in {@code network} (ZeroTier One:
     * {@code "physical": {"<cidr>": {"mtu": N}}}); at most {@value #MAX_CONFIGURABLE_PATHS}.
     */
    public Builder physicalPathMtu(InetAddress network, int mtu) {
      if (physicalPathMtus.size() >= MAX_CONFIGURABLE_PATHS) {
        throw new IllegalArgumentException("at most " + MAX_CONFIGURABLE_PATHS + " physical path settings");
      }
      physicalPathMtus.add(new PhysicalPathMtu(network, mtu));
      return this;
    }

    public NodeConfig build() {
      return new NodeConfig(this);
    }
  }
}
