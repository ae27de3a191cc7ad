package io.zt4j.stack;

import java.util.random.RandomGenerator;

/**
 * Settings of a {@link Stack}.
 *
 * @param random the only source of randomness (ports, IDs, sequence numbers, timer jitter); pass
 *     a seeded generator for reproducible simulations
 * @param headroom bytes reserved in front of every outgoing frame for link devices (the runtime's
 *     virtual tap writes its ZeroTier header there); devices may not need more
 * @param tailroom bytes reserved after every outgoing frame for link devices
 * @param icmpErrorsPerSecond rate limit of ICMP errors we send (Linux: 1000, burst 50)
 */
public record StackConfig(RandomGenerator random, int headroom, int tailroom, int icmpErrorsPerSecond) {
  public static final int DEFAULT_HEADROOM = 128;
  public static final int DEFAULT_TAILROOM = 64;

  public StackConfig {
    if (random == null) {
      throw new IllegalArgumentException("a random source is required");
    }
    if (headroom < 0 || tailroom < 0 || icmpErrorsPerSecond < 0) {
      throw new IllegalArgumentException("negative setting");
    }
  }

  public static StackConfig of(RandomGenerator random) {
    return new StackConfig(random, DEFAULT_HEADROOM, DEFAULT_TAILROOM, 1000);
  }

  public StackConfig withHeadroom(int h) {
    return new StackConfig(random, h, tailroom, icmpErrorsPerSecond);
  }

  public StackConfig withTailroom(int t) {
    return new StackConfig(random, headroom, t, icmpErrorsPerSecond);
  }

  public StackConfig withIcmpErrorsPerSecond(int r) {
    return new StackConfig(random, headroom, tailroom, r);
  }
}
