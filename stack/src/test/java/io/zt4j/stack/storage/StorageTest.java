package io.zt4j.stack.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StorageTest {
  @Test
  void ringWrapsGrowsAndReleases() {
    ByteRing r = new ByteRing(10_000);
    assertThat(r.allocated()).isZero();
    byte[] a = new byte[6000];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) i;
    }
    assertThat(r.write(a, 0, 3000)).isEqualTo(3000);
    assertThat(r.allocated()).isEqualTo(4096);
    byte[] out = new byte[6000];
    assertThat(r.read(out, 0, 2000)).isEqualTo(2000);
    assertThat(r.write(a, 3000, 3000)).isEqualTo(3000); // wraps, then grows keeping order
    assertThat(r.size()).isEqualTo(4000);
    assertThat(r.peek(100, out, 0, 10)).isEqualTo(10);
    assertThat(out[0]).isEqualTo(a[2100]);
    assertThat(r.read(out, 0, 6000)).isEqualTo(4000);
    for (int i = 0; i < 4000; i++) {
      assertThat(out[i]).isEqualTo(a[2000 + i]);
    }
    r.release();
    assertThat(r.allocated()).isZero();
    assertThat(r.write(a, 0, 6000)).isEqualTo(6000);
    assertThat(r.write(a, 0, 6000)).isEqualTo(4000); // limit
    assertThat(r.free()).isZero();
  }

  @Test
  void ringOutOfOrderPlacementThenCommit() {
    ByteRing r = new ByteRing(100);
    byte[] x = {1, 2, 3, 4, 5, 6};
    r.writeAt(3, x, 3, 3);
    r.writeAt(0, x, 0, 3);
    r.commit(6);
    byte[] out = new byte[6];
    assertThat(r.read(out, 0, 6)).isEqualTo(6);
    assertThat(out).containsExactly(x);
  }

  /** The ring behaves like a FIFO queue under random writes/reads/peeks with small limits. */
  @Property(tries = 200)
  void ringMatchesAQueue(@ForAll long seed, @ForAll @IntRange(min = 1, max = 20000) int limit) {
    Random rnd = new Random(seed);
    ByteRing r = new ByteRing(limit);
    // The model: bytes model[head, head + size), compacted when the tail runs out of room.
    byte[] model = new byte[2 * limit + 10];
    int head = 0;
    int size = 0;
    byte next = 0;
    for (int step = 0; step < 200; step++) {
      int n = rnd.nextInt(limit + 10);
      if (rnd.nextBoolean()) {
        byte[] src = new byte[n];
        for (int i = 0; i < n; i++) {
          src[i] = next++;
        }
        int w = r.write(src, 0, n);
        assertThat(w).isEqualTo(Math.min(n, limit - size));
        if (head + size + w > model.length) {
          System.arraycopy(model, head, model, 0, size);
          head = 0;
        }
        System.arraycopy(src, 0, model, head + size, w);
        size += w;
        next = (byte) (src.length == 0 ? next : src[0] + w);
      } else {
        byte[] dst = new byte[n];
        int at = size == 0 ? 0 : rnd.nextInt(size);
        int p = r.peek(at, dst, 0, n);
        assertThat(p).isEqualTo(Math.max(0, Math.min(n, size - at)));
        assertThat(Arrays.copyOf(dst, p)).isEqualTo(Arrays.copyOfRange(model, head + at, head + at + p));
        int k = r.read(dst, 0, n);
        assertThat(k).isEqualTo(Math.min(n, size));
        assertThat(Arrays.copyOf(dst, k)).isEqualTo(Arrays.copyOfRange(model, head, head + k));
        head += k;
        size -= k;
      }
      assertThat(r.size()).isEqualTo(size);
      if (rnd.nextInt(10) == 0) {
        r.release();
      }
    }
  }

  @Test
  void assemblerMergesAndAdvances() {
    Assembler a = new Assembler();
    assertThat(a.add(10, 20)).isTrue();
    assertThat(a.add(30, 40)).isTrue();
    assertThat(a.add(20, 30)).isTrue();
    assertThat(a.count()).isEqualTo(1);
    assertThat(a.advance(5)).isEqualTo(5);
    assertThat(a.advance(10)).isEqualTo(40);
    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void assemblerReportsMostRecentFirstAndIsBounded() {
    Assembler a = new Assembler();
    a.add(100, 110);
    a.add(200, 210);
    a.add(300, 310);
    a.add(105, 120);
    int[] l = new int[4];
    int[] r = new int[4];
    assertThat(a.sackBlocks(l, r, 4)).isEqualTo(3);
    assertThat(l[0]).isEqualTo(100);
    assertThat(r[0]).isEqualTo(120);
    assertThat(l[1]).isEqualTo(300);
    assertThat(l[2]).isEqualTo(200);
    Assembler b = new Assembler();
    for (int i = 0; i < Assembler.MAX_RANGES; i++) {
      assertThat(b.add(i * 10, i * 10 + 5)).isTrue();
    }
    assertThat(b.add(1000, 1001)).isFalse();
    assertThat(b.add(5, 10)).isTrue(); // merging needs no new range
  }

  @Property(tries = 300)
  void assemblerMatchesABitSet(@ForAll long seed, @ForAll int base) {
    Random rnd = new Random(seed);
    Assembler a = new Assembler();
    BitSet model = new BitSet();
    for (int k = 0; k < 60; k++) {
      int s = rnd.nextInt(2000);
      int len = 1 + rnd.nextInt(50);
      if (a.add(base + s, base + s + len)) {
        model.set(s, s + len);
      }
    }
    long covered = 0;
    for (int i = 0; i < a.count(); i++) {
      int s = a.start(i) - base;
      int e = a.end(i) - base;
      assertThat(model.nextClearBit(s)).isEqualTo(e);
      assertThat(s == 0 || !model.get(s - 1)).isTrue();
      covered += e - s;
    }
    assertThat(covered).isEqualTo(model.cardinality());
    int first = model.nextClearBit(0);
    assertThat(a.advance(base) - base).isEqualTo(first);
  }

  @Test
  void scoreboardLostEdgeAndPipe() {
    SackScoreboard sb = new SackScoreboard();
    int una = 1000;
    int max = 1000 + 10 * 100;
    // segments of 100; SACK segments 3,5,6 (i.e. [1300,1400), [1500,1700))
    sb.add(1300, 1400, una, max);
    sb.add(1500, 1700, una, max);
    assertThat(sb.sackedBytes()).isEqualTo(300);
    // dupThresh 3, mss 100: > 200 bytes above => lost below 1300
    assertThat(sb.lostEdge(una, 3, 100)).isEqualTo(1300);
    assertThat(sb.unsackedBytes(una, max)).isEqualTo(700);
    assertThat(sb.nextHole(1300)).isEqualTo(1400);
    assertThat(sb.holeEnd(1400, max)).isEqualTo(1500);
    sb.ackTo(1350);
    assertThat(sb.sackedBytes()).isEqualTo(250);
    assertThat(sb.start(0)).isEqualTo(1350);
    sb.ackTo(2000);
    assertThat(sb.isEmpty()).isTrue();
    assertThat(sb.sackedBytes()).isZero();
    // clipping to (una, max]
    assertThat(sb.add(0, 50, una, max)).isFalse();
  }

  @Property(tries = 300)
  void scoreboardMatchesABitSet(@ForAll long seed, @ForAll int base) {
    Random rnd = new Random(seed);
    SackScoreboard sb = new SackScoreboard();
    BitSet model = new BitSet();
    int una = 0;
    for (int k = 0; k < 30; k++) { // 30 adds never exceed MAX_RANGES, so the board is exact
      if (rnd.nextInt(6) == 0) {
        una = Math.min(3000, una + rnd.nextInt(200));
        sb.ackTo(base + una);
        model.clear(0, una);
      } else {
        int s = rnd.nextInt(3000);
        int e = Math.min(s + 1 + rnd.nextInt(80), 3000);
        boolean fresh = model.get(Math.max(s, una), Math.max(e, una)).cardinality() < Math.max(e, una) - Math.max(s, una);
        assertThat(sb.add(base + s, base + e, base + una, base + 3000)).isEqualTo(fresh);
        model.set(Math.max(s, una), Math.max(e, una));
      }
      assertThat(sb.sackedBytes()).isEqualTo(model.cardinality());
      assertThat(sb.unsackedBytes(base + una, base + 3000)).isEqualTo(3000 - una - model.cardinality());
      int probe = una + rnd.nextInt(3000 - una + 1);
      assertThat(sb.nextHole(base + probe) - base).isEqualTo(model.nextClearBit(probe));
    }
  }
}
