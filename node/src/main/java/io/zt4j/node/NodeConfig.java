package io.zt4j.node;

import io.zt4j.node.wire.World;
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
 * </ul>
 */
public final class NodeConfig {
  private final RandomGenerator random;
  private final World planet;
  private final boolean allowLoopbackPaths;

  private NodeConfig(Builder b) {
    this.random = b.random;
    this.planet = b.planet;
    this.allowLoopbackPaths = b.allowLoopbackPaths;
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

  /** Builds a {@link NodeConfig}. */
  public static final class Builder {
    private final RandomGenerator random;
    private World planet;
    private boolean allowLoopbackPaths;

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

    public NodeConfig build() {
      return new NodeConfig(this);
    }
  }
}
