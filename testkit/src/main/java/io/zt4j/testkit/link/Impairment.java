package io.zt4j.testkit.link;

/**
 * What a simulated link does to frames leaving one of its ports, drawn from the link's seeded
 * random source so a run replays exactly.
 *
 * <p>Each frame is dropped when larger than {@code mtu} bytes (of Ethernet payload), lost with
 * probability {@code loss}, otherwise serialized at {@code rateBitsPerSecond} (0: unlimited;
 * frames wait in a queue of at most {@code queueFrames}, beyond which they are tail-dropped),
 * then delivered after {@code delayNanos} plus uniform jitter in {@code [0, jitterNanos]}; with
 * probability {@code reorder} it is held back a further {@code reorderNanos} so later frames
 * overtake it; with probability {@code duplicate} a second copy follows.
 */
public record Impairment(
    long delayNanos, long jitterNanos, double loss, double duplicate, double reorder, long reorderNanos,
    long rateBitsPerSecond, int queueFrames, int mtu) {

  public static final Impairment NONE = new Impairment(0, 0, 0, 0, 0, 0, 0, 1000, 65535);

  public Impairment {
    if (delayNanos < 0 || jitterNanos < 0 || reorderNanos < 0 || rateBitsPerSecond < 0 || queueFrames < 1 || mtu < 1) {
      throw new IllegalArgumentException("bad impairment " + this);
    }
    for (double p : new double[] {loss, duplicate, reorder}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability out of [0,1]: " + p);
      }
    }
  }

  public Impairment withDelay(long nanos) {
    return new Impairment(nanos, jitterNanos, loss, duplicate, reorder, reorderNanos, rateBitsPerSecond, queueFrames, mtu);
  }

  public Impairment withJitter(long nanos) {
    return new Impairment(delayNanos, nanos, loss, duplicate, reorder, reorderNanos, rateBitsPerSecond, queueFrames, mtu);
  }

  public Impairment withLoss(double p) {
    return new Impairment(delayNanos, jitterNanos, p, duplicate, reorder, reorderNanos, rateBitsPerSecond, queueFrames, mtu);
  }

  public Impairment withDuplicate(double p) {
    return new Impairment(delayNanos, jitterNanos, loss, p, reorder, reorderNanos, rateBitsPerSecond, queueFrames, mtu);
  }

  public Impairment withReorder(double p, long extraNanos) {
    return new Impairment(delayNanos, jitterNanos, loss, duplicate, p, extraNanos, rateBitsPerSecond, queueFrames, mtu);
  }

  public Impairment withRate(long bitsPerSecond, int queue) {
    return new Impairment(delayNanos, jitterNanos, loss, duplicate, reorder, reorderNanos, bitsPerSecond, queue, mtu);
  }

  public Impairment withMtu(int m) {
    return new Impairment(delayNanos, jitterNanos, loss, duplicate, reorder, reorderNanos, rateBitsPerSecond, queueFrames, m);
  }
}
