package io.zt4j.bench.crypto;

import io.zt4j.node.crypto.AesGmacSiv;
import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.identity.MemoryHardHash;
import io.zt4j.node.wire.CipherSuite;
import io.zt4j.node.wire.PacketArmor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Throughput per CPU-second (thread CPU time, not wall time) of the armour benchmarks, so that a
 * number taken on a loaded shared machine still says what one core does. Complements the JMH
 * runs (which measure wall time). The "process" column divides by the CPU time of the whole JVM
 * (GC and JIT threads included), which charges allocation-heavy code for its collections.
 *
 * <p>{@code java --add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED -cp
 * bench/target/benchmarks.jar io.zt4j.bench.crypto.CpuTimeThroughput [seconds]} (without the
 * option the {@code JDK_GHASH} rows are skipped).
 */
public final class CpuTimeThroughput {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  interface Op {
    void run() throws Exception;
  }

  private CpuTimeThroughput() {}

  private static void armorRow(SymmetricKey key, byte[] packet, CipherSuite cs,
      AesGmacSiv.GmacEngine engine, String label, double seconds) throws Exception {
    PacketArmor tx = new PacketArmor(key, engine);
    PacketArmor rx = new PacketArmor(key, engine);
    report("armor+dearmor " + cs + label, 1400, seconds, () -> {
      tx.armor(packet, 0, 1400, cs);
      if (rx.dearmor(packet, 0, 1400) != PacketArmor.Result.OK) {
        throw new IllegalStateException();
      }
    });
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    SplittableRandom r = new SplittableRandom(1);
    byte[] k = new byte[48];
    r.nextBytes(k);
    SymmetricKey key = SymmetricKey.of(k);
    byte[] packet = new byte[1400];
    r.nextBytes(packet);
    packet[18] = 0;
    for (CipherSuite cs : new CipherSuite[] {CipherSuite.POLY1305_NONE, CipherSuite.POLY1305_SALSA2012}) {
      armorRow(key, packet, cs, AesGmacSiv.GmacEngine.preferred(), "", seconds);
    }
    for (AesGmacSiv.GmacEngine engine : AesGmacSiv.GmacEngine.values()) {
      if (engine.available()) {
        armorRow(key, packet, CipherSuite.AES_GMAC_SIV, engine, "+" + engine, seconds);
      } else {
        System.out.println("(" + engine + " not available: run with "
            + "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED)");
      }
    }
    io.zt4j.node.crypto.Salsa20 salsa = new io.zt4j.node.crypto.Salsa20();
    byte[] key32 = Arrays.copyOf(k, 32);
    report("Salsa20/12 alone", 1373, seconds, () -> {
      salsa.init(key32, 0, packet, 0);
      salsa.crypt12(packet, 27, packet, 27, 1373);
    });
    byte[] tag = new byte[16];
    report("Poly1305 alone", 1373, seconds, () -> io.zt4j.node.crypto.Poly1305.mac(key32, 0, packet, 27, 1373, tag, 0));
    Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
    Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
    SecretKeySpec gk = new SecretKeySpec(Arrays.copyOf(k, 32), "AES");
    byte[] iv = new byte[12];
    byte[] buf = new byte[2800 + 27];
    r.nextBytes(buf);
    byte[] out = new byte[buf.length + 16];
    long[] ctr = {0};
    byte[] aad = Arrays.copyOfRange(packet, 8, 19);
    byte[] sivTag = new byte[16];
    JdkGcmSiv jdkSiv = new JdkGcmSiv(key32, key32);
    AesGmacSiv[] sivs = Arrays.stream(AesGmacSiv.GmacEngine.values())
        .filter(AesGmacSiv.GmacEngine::available)
        .map(e -> new AesGmacSiv(key32, key32, e))
        .toArray(AesGmacSiv[]::new);
    // the same payload sizes through plain JDK AES-256-GCM (the baseline) and AES-GMAC-SIV
    for (int len : new int[] {100, 1373, 2800}) {
      report("JDK AES-256-GCM enc+dec, " + len + " B", len, seconds, () -> {
        long c = ++ctr[0];
        for (int i = 0; i < 8; i++) {
          iv[4 + i] = (byte) (c >>> (56 - 8 * i));
        }
        GCMParameterSpec spec = new GCMParameterSpec(128, iv);
        enc.init(Cipher.ENCRYPT_MODE, gk, spec);
        enc.updateAAD(aad, 0, 11);
        int n = enc.doFinal(buf, 27, len, out, 0);
        dec.init(Cipher.DECRYPT_MODE, gk, spec);
        dec.updateAAD(aad, 0, 11);
        dec.doFinal(out, 0, n, buf, 27);
      });
      for (AesGmacSiv siv : sivs) {
        report("AES-GMAC-SIV enc+dec " + siv.engine() + ", " + len + " B", len, seconds, () -> {
          siv.encrypt(++ctr[0], aad, 0, 11, buf, 27, len, sivTag, 0);
          if (!siv.decrypt(sivTag, 0, aad, 0, 11, buf, 27, len)) {
            throw new IllegalStateException();
          }
        });
      }
      report("AES-GMAC-SIV enc+dec (JDK GCM/CTR ref), " + len + " B", len, seconds, () -> {
        jdkSiv.encrypt(++ctr[0], aad, 0, 11, buf, 27, len, sivTag, 0);
        if (!jdkSiv.decrypt(sivTag, 0, aad, 0, 11, buf, 27, len)) {
          throw new IllegalStateException();
        }
      });
    }
    Identity id = Identity.fromString("5b29cdda7a:0:a52cc4076771cd0f6049df229947d1909eb0a422dcc5f71df60349e2545b0745"
        + "9e06a8a314d0dcf5277babb02f56e6893d9f4bdebf580b8cf6014880e90a9eee").orElseThrow();
    MemoryHardHash h = new MemoryHardHash();
    // per call: thread CPU time (what one core needs) and wall time (inflated by load)
    int warm = 20;
    int runs = 61;
    long[] cpu = new long[runs];
    long[] wall = new long[runs];
    for (int i = 0; i < warm + runs; i++) {
      long c0 = MX.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      if (!id.locallyValidate(h)) {
        throw new IllegalStateException("identity did not validate");
      }
      if (i >= warm) {
        wall[i - warm] = System.nanoTime() - w0;
        cpu[i - warm] = MX.getCurrentThreadCpuTime() - c0;
      }
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    System.out.printf("%-44s cpu: median %.1f ms, p90 %.1f ms, min %.1f ms;  wall: median %.1f ms, p90 %.1f ms (%d runs)%n",
        "identity validate", cpu[runs / 2] / 1e6, cpu[runs * 9 / 10] / 1e6, cpu[0] / 1e6,
        wall[runs / 2] / 1e6, wall[runs * 9 / 10] / 1e6, runs);
  }

  private static void report(String name, int bytes, double seconds, Op op) throws Exception {
    long budget = (long) (seconds * 1e9);
    // warm up for the same CPU budget
    for (int pass = 0; pass < 2; pass++) {
      long start = MX.getCurrentThreadCpuTime();
      long processStart = OS.getProcessCpuTime();
      long n = 0;
      long used;
      do {
        for (int i = 0; i < 16; i++) {
          op.run();
        }
        n += 16;
        used = MX.getCurrentThreadCpuTime() - start;
      } while (used < budget);
      if (pass == 1) {
        double perSec = n / (used / 1e9);
        // the whole process's CPU time (GC and JIT threads included) for the same ops
        double perProcessSec = n / ((OS.getProcessCpuTime() - processStart) / 1e9);
        if (bytes > 0) {
          System.out.printf("%-44s %10.0f ops/cpu-s  %8.1f MB/cpu-s   process: %10.0f ops/cpu-s%n",
              name, perSec, perSec * bytes / 1e6, perProcessSec);
        } else {
          System.out.printf("%-44s %10.2f ms/op (cpu)%n", name, 1000 / perSec);
        }
      }
    }
  }
}
