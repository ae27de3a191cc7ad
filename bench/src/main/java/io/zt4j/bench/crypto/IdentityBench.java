package io.zt4j.bench.crypto;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.identity.MemoryHardHash;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Identity validation (one memory-hard hash, target median &lt; 50 ms) and generation (about 15
 * hashes on average with a geometric tail; sampled to show median and spread).
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IdentityBench {
  private static final String ID =
      "5b29cdda7a:0:a52cc4076771cd0f6049df229947d1909eb0a422dcc5f71df60349e2545b0745"
          + "9e06a8a314d0dcf5277babb02f56e6893d9f4bdebf580b8cf6014880e90a9eee";

  private Identity identity;
  private MemoryHardHash hash;
  private SplittableRandom random;

  @Setup
  public void setup() {
    identity = Identity.fromString(ID).orElseThrow();
    hash = new MemoryHardHash();
    random = new SplittableRandom(3);
  }

  /** Validation reusing a per-thread 2 MiB table (what a peer cache does). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public boolean validate() {
    return identity.locallyValidate(hash);
  }

  /** Validation allocating its table (Identity.locallyValidate()). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public boolean validateFresh() {
    return identity.locallyValidate();
  }

  /** A full generation (hashcash search) from a seeded source. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public Identity generate() {
    return Identity.generate(random);
  }
}
