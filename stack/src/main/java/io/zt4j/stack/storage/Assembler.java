package io.zt4j.stack.storage;

import io.zt4j.stack.wire.Seq;

/**
 * Tracks which sequence ranges past the receive point have arrived out of order (the data
 * itself sits in the receive {@link ByteRing} at its offset), with a fixed number of ranges so
 * memory stays bounded whatever a peer sends. It also remembers which ranges changed most
 * recently, to report them first as SACK blocks (RFC 2018 §4).
 *
 * <p>Ranges are half-open {@code [start, end)} in 32-bit sequence space, kept sorted and
 * disjoint (adjacent ranges merge). Not thread-safe.
 */
public final class Assembler {
  /** Ranges kept at most; a segment that would need more is refused (the sender retransmits). */
  public static final int MAX_RANGES = 32;

  private static final int[] NO_INTS = new int[0];
  private static final long[] NO_LONGS = new long[0];

  // allocated on the first out-of-order range, dropped again by release() (idle connections)
  private int[] start = NO_INTS;
  private int[] end = NO_INTS;
  private long[] stamp = NO_LONGS;
  private int count;
  private long clock;

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

  public void clear() {
    count = 0;
  }

  /** Gives the range tables back when empty (they are allocated again on the next add). */
  public void release() {
    if (count == 0) {
      start = NO_INTS;
      end = NO_INTS;
      stamp = NO_LONGS;
    }
  }

  /** Bytes of range tables held (0 until out-of-order data arrives, and after release). */
  public int tableBytes() {
    return start.length * 8 + stamp.length * 8;
  }

  /**
   * Records {@code [s, e)} as received. Returns false, changing nothing, when it would need a
   * new range and all {@link #MAX_RANGES} are in use.
   */
  public boolean add(int s, int e) {
    if (!Seq.lt(s, e)) {
      return true;
    }
    long now = ++clock;
    // first range whose end >= s (could merge or lie after)
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
        stamp = new long[MAX_RANGES];
      }
      System.arraycopy(start, i, start, i + 1, count - i);
      System.arraycopy(end, i, end, i + 1, count - i);
      System.arraycopy(stamp, i, stamp, i + 1, count - i);
      start[i] = s;
      end[i] = e;
      stamp[i] = now;
      count++;
      return true;
    }
    // merge [s,e) with ranges i..j that touch it
    int j = i;
    int ns = Seq.min(s, start[i]);
    int ne = e;
    while (j < count && Seq.le(start[j], e)) {
      ne = Seq.max(ne, end[j]);
      j++;
    }
    start[i] = ns;
    end[i] = ne;
    stamp[i] = now;
    int removed = j - i - 1;
    if (removed > 0) {
      System.arraycopy(start, j, start, i + 1, count - j);
      System.arraycopy(end, j, end, i + 1, count - j);
      System.arraycopy(stamp, j, stamp, i + 1, count - j);
      count -= removed;
    }
    return true;
  }

  /**
   * If the first range begins at or before {@code rcvNxt}, removes every range now contiguous
   * with it and returns the new in-order end; otherwise returns {@code rcvNxt}.
   */
  public int advance(int rcvNxt) {
    int next = rcvNxt;
    int k = 0;
    while (k < count && Seq.le(start[k], next)) {
      next = Seq.max(next, end[k]);
      k++;
    }
    if (k > 0) {
      System.arraycopy(start, k, start, 0, count - k);
      System.arraycopy(end, k, end, 0, count - k);
      System.arraycopy(stamp, k, stamp, 0, count - k);
      count -= k;
    }
    return next;
  }

  /**
   * Writes up to {@code max} ranges into {@code left}/{@code right}, most recently changed
   * first (RFC 2018 §4: the first block reports the latest segment). Returns the count.
   */
  public int sackBlocks(int[] left, int[] right, int max) {
    int n = 0;
    long below = Long.MAX_VALUE;
    while (n < max) {
      int best = -1;
      for (int i = 0; i < count; i++) {
        if (stamp[i] < below && (best < 0 || stamp[i] > stamp[best])) {
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      left[n] = start[best];
      right[n] = end[best];
      below = stamp[best];
      n++;
    }
    return n;
  }

  /** Bytes covered by all ranges. */
  public long coveredBytes() {
    long t = 0;
    for (int i = 0; i < count; i++) {
      t += Seq.distance(start[i], end[i]);
    }
    return t;
  }
}
