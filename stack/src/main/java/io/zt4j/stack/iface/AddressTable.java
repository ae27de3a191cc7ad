package io.zt4j.stack.iface;

import io.zt4j.stack.wire.IpAddress;
import java.util.function.Consumer;

/**
 * Open-addressing hash map from a 128-bit address ({@code hi, lo}) to a value, with linear
 * probing and backward-shift deletion: lookups allocate nothing. Capacity is fixed at
 * construction (a power of two, at most half full by {@code maxSize}). Owner-thread only.
 */
final class AddressTable<V> {
  private final long[] his;
  private final long[] los;
  private final Object[] values;
  private final int mask;
  private final int maxSize;
  private int size;

  AddressTable(int maxSize) {
    int cap = Integer.highestOneBit(Math.max(4, maxSize) * 2 - 1) * 2;
    this.his = new long[cap];
    this.los = new long[cap];
    this.values = new Object[cap];
    this.mask = cap - 1;
    this.maxSize = maxSize;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size >= maxSize;
  }

  @SuppressWarnings("unchecked")
  V get(long hi, long lo) {
    int i = IpAddress.hash(hi, lo) & mask;
    while (true) {
      Object v = values[i];
      if (v == null) {
        return null;
      }
      if (his[i] == hi && los[i] == lo) {
        return (V) v;
      }
      i = (i + 1) & mask;
    }
  }

  /** Inserts or replaces; returns false (and changes nothing) when a new key would exceed maxSize. */
  boolean put(long hi, long lo, V value) {
    int i = IpAddress.hash(hi, lo) & mask;
    while (values[i] != null) {
      if (his[i] == hi && los[i] == lo) {
        values[i] = value;
        return true;
      }
      i = (i + 1) & mask;
    }
    if (size >= maxSize) {
      return false;
    }
    his[i] = hi;
    los[i] = lo;
    values[i] = value;
    size++;
    return true;
  }

  @SuppressWarnings("unchecked")
  V remove(long hi, long lo) {
    int i = IpAddress.hash(hi, lo) & mask;
    while (values[i] != null) {
      if (his[i] == hi && los[i] == lo) {
        V old = (V) values[i];
        deleteAt(i);
        return old;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  private void deleteAt(int i) {
    values[i] = null;
    size--;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (values[j] == null) {
        return;
      }
      int home = IpAddress.hash(his[j], los[j]) & mask;
      // Move j back to the hole at i when its home slot is not in the cyclic range (i, j].
      boolean inRange = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!inRange) {
        his[i] = his[j];
        los[i] = los[j];
        values[i] = values[j];
        values[j] = null;
        i = j;
      }
    }
  }

  /** Visits every value; the visitor must not modify the table (use {@link #removeIf}). */
  @SuppressWarnings("unchecked")
  void forEach(Consumer<V> visitor) {
    for (Object v : values) {
      if (v != null) {
        visitor.accept((V) v);
      }
    }
  }

  /** Removes every entry the predicate selects. */
  @SuppressWarnings("unchecked")
  int removeIf(java.util.function.Predicate<V> p) {
    int removed = 0;
    for (int i = 0; i < values.length; ) {
      Object v = values[i];
      if (v != null && p.test((V) v)) {
        deleteAt(i); // an entry may have shifted into i: look at i again
        removed++;
      } else {
        i++;
      }
    }
    return removed;
  }

  void clear() {
    java.util.Arrays.fill(values, null);
    size = 0;
  }
}
