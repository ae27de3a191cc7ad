package io.zt4j.stack.storage;

import io.zt4j.stack.wire.Seq;

/**
 * The sender's record of what the receiver has selectively acknowledged above SND.UNA (RFC 6675
 * §3 "scoreboard"), as at most {@link #MAX_RANGES} sorted, disjoint ranges — bounded memory and
 * cheap linear scans. When a new block would need a range beyond the limit it is ignored, which
 * only makes recovery more conservative (more retransmission), never wrong.
 *
 * <p>Provides the RFC 6675 queries in sequence-range form: {@link #lostEdge} (everything unSACKed
 * below it satisfies IsLost), {@link #unsackedBytes} (for the pipe estimate) and
 * {@link #nextHole} (for NextSeg). Not thread-safe.
 */
public final class SackScoreboard {
  public static final int MAX_RANGES = 32;

  private static final int[] NO_INTS = new int[0];

  // allocated on the first SACK block, dropped again by release() (idle connections)
  private int[] start = NO_INTS;
  private int[] end = NO_INTS;
  private int count;
  private long sackedBytes;

  public int count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public int start(int i) {
    return start[i];
  }

  public int end(int i) {
    return end[i];
  }

  /** Total bytes SACKed above SND.UNA. */
  public long sackedBytes() {
    return sackedBytes;
  }

  /** The end of the highest SACKed range; meaningless when empty. */
  public int highestSacked() {
    return end[count - 1];
  }

  public void clear() {
    count = 0;
    sackedBytes = 0;
  }

  /** Gives the range tables back when empty (they are allocated again on the next add). */
  public void release() {
    if (count == 0) {
      start = NO_INTS;
      end = NO_INTS;
    }
  }

  /** Bytes of range tables held (0 until a SACK block arrives, and after release). */
  public int tableBytes() {
    return start.length * 8;
  }

  /**
   * Records a SACK block, clipped to {@code (sndUna, sndMax]}. Returns true when it marked bytes
   * not marked before.
   */
  public boolean add(int left, int right, int sndUna, int sndMax) {
    int s = Seq.max(left, sndUna);
    int e = Seq.min(right, sndMax);
    if (!Seq.lt(s, e)) {
      return false;
    }
    int i = 0;
    while (i < count && Seq.lt(end[i], s)) {
      i++;
    }
    if (i == count || Seq.lt(e, start[i])) {
      if (count == MAX_RANGES) {
        return false;
      }
      if (start.length == 0) {
        start = new int[MAX_RANGES];
        end = new int[MAX_RANGES];
      }
      System.arraycopy(start, i, start, i + 1, count - i);
      System.arraycopy(end, i, end, i + 1, count - i);
      start[i] = s;
      end[i] = e;
      count++;
      sackedBytes += Seq.distance(s, e);
      return true;
    }
    long before = 0;
    int j = i;
    int ns = Seq.min(s, start[i]);
    int ne = e;
    while (j < count && Seq.le(start[j], e)) {
      before += Seq.distance(start[j], end[j]);
      ne = Seq.max(ne, end[j]);
      j++;
    }
    start[i] = ns;
    end[i] = ne;
    int removed = j - i - 1;
    if (removed > 0) {
      System.arraycopy(start, j, start, i + 1, count - j);
      System.arraycopy(end, j, end, i + 1, count - j);
      count -= removed;
    }
    long after = Seq.distance(ns, ne);
    sackedBytes += after - before;
    return after > before;
  }

  /** Forgets everything below the new SND.UNA (cumulatively acknowledged). */
  public void ackTo(int sndUna) {
    int k = 0;
    while (k < count && Seq.le(end[k], sndUna)) {
      sackedBytes -= Seq.distance(start[k], end[k]);
      k++;
    }
    if (k > 0) {
      System.arraycopy(start, k, start, 0, count - k);
      System.arraycopy(end, k, end, 0, count - k);
      count -= k;
    }
    if (count > 0 && Seq.lt(start[0], sndUna)) {
      sackedBytes -= Seq.distance(start[0], sndUna);
      start[0] = sndUna;
    }
  }

  /** True when {@code seq} lies in a SACKed range. */
  public boolean isSacked(int seq) {
    for (int i = 0; i < count; i++) {
      if (Seq.inRange(seq, start[i], end[i])) {
        return true;
      }
    }
    return false;
  }

  /**
   * RFC 6675 IsLost as an edge: every unSACKed sequence number below the returned value has
   * either {@code dupThresh} SACKed ranges or more than {@code (dupThresh - 1) * mss} SACKed bytes
   * above it. Returns {@code sndUna} when nothing is lost.
   */
  public int lostEdge(int sndUna, int dupThresh, int mss) {
    long bytes = 0;
    int ranges = 0;
    long threshold = (long) (dupThresh - 1) * mss;
    for (int i = count - 1; i >= 0; i--) {
      bytes += Seq.distance(start[i], end[i]);
      ranges++;
      if (ranges >= dupThresh || bytes > threshold) {
        return Seq.max(start[i], sndUna);
      }
    }
    return sndUna;
  }

  /** Bytes in {@code [from, to)} that are not SACKed. */
  public long unsackedBytes(int from, int to) {
    if (!Seq.lt(from, to)) {
      return 0;
    }
    long total = Seq.distance(from, to);
    for (int i = 0; i < count; i++) {
      int s = Seq.max(start[i], from);
      int e = Seq.min(end[i], to);
      if (Seq.lt(s, e)) {
        total -= Seq.distance(s, e);
      }
    }
    return total;
  }

  /** The first unSACKed sequence number at or after {@code from}. */
  public int nextHole(int from) {
    int s = from;
    for (int i = 0; i < count; i++) {
      if (Seq.le(start[i], s) && Seq.lt(s, end[i])) {
        s = end[i];
      }
    }
    return s;
  }

  /** The end of the unSACKed hole that starts at {@code holeStart}: the next SACKed start, or {@code limit}. */
  public int holeEnd(int holeStart, int limit) {
    for (int i = 0; i < count; i++) {
      if (Seq.gt(start[i], holeStart)) {
        return Seq.min(start[i], limit);
      }
    }
    return limit;
  }
}
