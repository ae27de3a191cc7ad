package io.zt4j.bench.crypto;

import io.zt4j.node.crypto.AesGmacSiv;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * CPU time (thread CPU, not wall time) per AES-GMAC-SIV encrypt + decrypt of one payload, for
 * one GMAC engine per JVM (as a node runs it: one engine, so no other engine's profile shares the
 * JIT's view of {@link AesGmacSiv}), next to plain JDK AES-256-GCM encrypt + decrypt of the same
 * bytes and the earlier JDK-GCM/CTR construction ({@link JdkGcmSiv}), all in the same JVM and
 * interleaved: 9 rounds of 50,000 operations each, median and minimum per row.
 *
 * <pre>
 * java [--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED] -cp bench/target/benchmarks.jar \
 *     io.zt4j.bench.crypto.SivCpuTime JDK_GHASH|JDK_GCM|JAVA_GHASH [sizes, default 100,1373,2800]
 * </pre>
 */
public final class SivCpuTime {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int ROUNDS = 9;
  private static final int OPS = 50_000;

  private SivCpuTime() {}

  interface Op {
    void run(int len) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    AesGmacSiv.GmacEngine engine = AesGmacSiv.GmacEngine.valueOf(args[0]);
    int[] sizes = Arrays.stream((args.length > 1 ? args[1] : "100,1373,2800").split(","))
        .mapToInt(Integer::parseInt).toArray();
    SplittableRandom r = new SplittableRandom(7);
    byte[] k0 = new byte[32];
    byte[] k1 = new byte[32];
    r.nextBytes(k0);
    r.nextBytes(k1);
    byte[] data = new byte[27 + 10_000];
    r.nextBytes(data);
    byte[] aad = new byte[11];
    r.nextBytes(aad);
    byte[] tag = new byte[16];
    long[] counter = {0};

    AesGmacSiv siv = new AesGmacSiv(k0, k1, engine);
    JdkGcmSiv old = new JdkGcmSiv(k0, k1);
    Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
    Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
    SecretKeySpec gk = new SecretKeySpec(k1, "AES");
    byte[] nonce = new byte[12];
    byte[] out = new byte[data.length + 16];
    Op gcm = len -> {
      long c = ++counter[0];
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
      }
      GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
      enc.init(Cipher.ENCRYPT_MODE, gk, spec);
      enc.updateAAD(aad, 0, 11);
      int n = enc.doFinal(data, 27, len, out, 0);
      dec.init(Cipher.DECRYPT_MODE, gk, spec);
      dec.updateAAD(aad, 0, 11);
      dec.doFinal(out, 0, n, data, 27);
    };
    Op own = len -> {
      siv.encrypt(++counter[0], aad, 0, 11, data, 27, len, tag, 0);
      if (!siv.decrypt(tag, 0, aad, 0, 11, data, 27, len)) {
        throw new IllegalStateException();
      }
    };
    Op previous = len -> {
      old.encrypt(++counter[0], aad, 0, 11, data, 27, len, tag, 0);
      if (!old.decrypt(tag, 0, aad, 0, 11, data, 27, len)) {
        throw new IllegalStateException();
      }
    };
    Op[] ops = {gcm, own, previous};
    String[] names = {"JDK AES-256-GCM enc+dec", "AES-GMAC-SIV " + engine, "previous JDK GCM/CTR SIV"};
    System.out.printf("engine %s; ns of thread CPU per encrypt + decrypt (median / min of %d rounds)%n",
        engine, ROUNDS);
    for (int len : sizes) {
      long[][] ns = new long[ops.length][ROUNDS];
      for (int round = -2; round < ROUNDS; round++) { // two warm-up rounds
        for (int o = 0; o < ops.length; o++) {
          long t0 = MX.getCurrentThreadCpuTime();
          for (int i = 0; i < OPS; i++) {
            ops[o].run(len);
          }
          long used = MX.getCurrentThreadCpuTime() - t0;
          if (round >= 0) {
            ns[o][round] = used / OPS;
          }
        }
      }
      long base = median(ns[0]);
      for (int o = 0; o < ops.length; o++) {
        long med = median(ns[o]);
        System.out.printf("%5d B  %-30s %6d / %6d ns   %.2f× JDK GCM   overhead %+6d ns%n",
            len, names[o], med, Arrays.stream(ns[o]).min().getAsLong(), med / (double) base,
            med - base);
      }
    }
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
