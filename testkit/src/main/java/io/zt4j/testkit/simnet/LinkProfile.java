package io.zt4j.testkit.simnet;

/**
 * How one simulated link treats the datagrams that cross it, in each direction independently.
 *
 * <p>Every crossing draws from the network's seeded random source: the datagram is lost with
 * probability {@code loss}; otherwise it is delivered after {@code delayMillis} plus a uniform
 * jitter in {@code [0, jitterMillis]}; with probability {@code reorder} it is held back a further
 * {@code reorderDelayMillis} (so later datagrams overtake it); with probability {@code duplicate}
 * a second copy follows with its own jitter.
 *
 * @param delayMillis one-way base delay
 * @param jitterMillis maximum extra uniform delay
 * @param loss probability in [0, 1] that a crossing loses the datagram
 * @param duplicate probability in [0, 1] that a crossing delivers a second copy
 * @param reorder probability in [0, 1] that a datagram is held back
 * @param reorderDelayMillis how long a held-back datagram waits in addition
 */
public record LinkProfile(
    long delayMillis,
    long jitterMillis,
    double loss,
    double duplicate,
    double reorder,
    long reorderDelayMillis) {

  /** No delay, no loss: datagrams cross in zero virtual time. */
  public static final LinkProfile PERFECT = new LinkProfile(0, 0, 0, 0, 0, 0);

  public LinkProfile {
    if (delayMillis < 0 || jitterMillis < 0 || reorderDelayMillis < 0) {
      throw new IllegalArgumentException("negative delay");
    }
    checkProbability(loss, "loss");
    checkProbability(duplicate, "duplicate");
    checkProbability(reorder, "reorder");
  }

  /** A fixed one-way delay and nothing else. */
  public static LinkProfile delay(long delayMillis) {
    return new LinkProfile(delayMillis, 0, 0, 0, 0, 0);
  }

  public LinkProfile withLoss(double p) {
    return new LinkProfile(delayMillis, jitterMillis, p, duplicate, reorder, reorderDelayMillis);
  }

  public LinkProfile withJitter(long millis) {
    return new LinkProfile(delayMillis, millis, loss, duplicate, reorder, reorderDelayMillis);
  }

  public LinkProfile withDuplicate(double p) {
    return new LinkProfile(delayMillis, jitterMillis, loss, p, reorder, reorderDelayMillis);
  }

  public LinkProfile withReorder(double p, long extraDelayMillis) {
    return new LinkProfile(delayMillis, jitterMillis, loss, duplicate, p, extraDelayMillis);
  }

  private static void checkProbability(double p, String what) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0,1]: " + p);
    }
  }
}
