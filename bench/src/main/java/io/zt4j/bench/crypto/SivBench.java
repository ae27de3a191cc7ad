package io.zt4j.bench.crypto;

import io.zt4j.node.crypto.AesGmacSiv;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * AES-GMAC-SIV encrypt + decrypt of one payload of {@code len} bytes (100: an ACK; 1,373: a
 * 1,400-byte packet after its header; 2,800: a full TCP segment's FRAME) with 11 bytes of AAD, per
 * op: node.crypto's implementation with each GMAC engine against the earlier JDK-GCM/CTR
 * implementation ({@link JdkGcmSiv}) and plain JDK AES-256-GCM encrypt + decrypt of the same bytes
 * (the practical limit), in the same run. The fork opens {@code com.sun.crypto.provider} so that
 * {@code JDK_GHASH} is available. Run with {@code -prof gc} for B/op.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SivBench {
  @Param({"100", "1373", "2800"})
  public int len;

  private byte[] data;
  private final byte[] aad = new byte[11];
  private final byte[] tag = new byte[16];
  private AesGmacSiv own;
  private AesGmacSiv ownDirect;
  private AesGmacSiv ownJava;
  private JdkGcmSiv jdkSiv;
  private long iv;

  private Cipher gcmEnc;
  private Cipher gcmDec;
  private SecretKeySpec gcmKey;
  private final byte[] gcmIv = new byte[12];
  private byte[] gcmOut;

  @Setup
  public void setup() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    data = new byte[len];
    r.nextBytes(data);
    r.nextBytes(aad);
    byte[] k0 = new byte[32];
    byte[] k1 = new byte[32];
    r.nextBytes(k0);
    r.nextBytes(k1);
    own = new AesGmacSiv(k0, k1, AesGmacSiv.GmacEngine.JDK_GCM);
    ownDirect = new AesGmacSiv(k0, k1, AesGmacSiv.GmacEngine.JDK_GHASH);
    ownJava = new AesGmacSiv(k0, k1, AesGmacSiv.GmacEngine.JAVA_GHASH);
    jdkSiv = new JdkGcmSiv(k0, k1);
    gcmKey = new SecretKeySpec(k1, "AES");
    gcmEnc = Cipher.getInstance("AES/GCM/NoPadding");
    gcmDec = Cipher.getInstance("AES/GCM/NoPadding");
    gcmOut = new byte[len + 16];
  }

  @Benchmark
  public byte ownEncryptDecrypt() {
    own.encrypt(++iv, aad, 0, 11, data, 0, len, tag, 0);
    if (!own.decrypt(tag, 0, aad, 0, 11, data, 0, len)) {
      throw new IllegalStateException();
    }
    return data[0];
  }

  @Benchmark
  public byte ownJdkGhashEncryptDecrypt() {
    ownDirect.encrypt(++iv, aad, 0, 11, data, 0, len, tag, 0);
    if (!ownDirect.decrypt(tag, 0, aad, 0, 11, data, 0, len)) {
      throw new IllegalStateException();
    }
    return data[0];
  }

  @Benchmark
  public byte ownJavaGhashEncryptDecrypt() {
    ownJava.encrypt(++iv, aad, 0, 11, data, 0, len, tag, 0);
    if (!ownJava.decrypt(tag, 0, aad, 0, 11, data, 0, len)) {
      throw new IllegalStateException();
    }
    return data[0];
  }

  /** Decrypting the same message twice in a row (a duplicate packet) with the JDK_GCM engine. */
  @Benchmark
  public byte ownDecryptDuplicate() {
    if (!own.decrypt(tag, 0, aad, 0, 11, data, 0, len)) {
      own.encrypt(iv, aad, 0, 11, data, 0, len, tag, 0); // first call: make a valid message
      return 0;
    }
    own.encrypt(iv, aad, 0, 11, data, 0, len, tag, 0); // same IV again: identical bytes
    return data[0];
  }

  @Benchmark
  public byte jdkGcmSivEncryptDecrypt() {
    jdkSiv.encrypt(++iv, aad, 0, 11, data, 0, len, tag, 0);
    if (!jdkSiv.decrypt(tag, 0, aad, 0, 11, data, 0, len)) {
      throw new IllegalStateException();
    }
    return data[0];
  }

  /** Baseline: JDK AES-256-GCM encrypt + decrypt of the same payload and AAD. */
  @Benchmark
  public int jdkAesGcm() throws Exception {
    long c = ++iv;
    for (int i = 0; i < 8; i++) {
      gcmIv[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    GCMParameterSpec spec = new GCMParameterSpec(128, gcmIv);
    gcmEnc.init(Cipher.ENCRYPT_MODE, gcmKey, spec);
    gcmEnc.updateAAD(aad, 0, 11);
    int n = gcmEnc.doFinal(data, 0, len, gcmOut, 0);
    gcmDec.init(Cipher.DECRYPT_MODE, gcmKey, spec);
    gcmDec.updateAAD(aad, 0, 11);
    return gcmDec.doFinal(gcmOut, 0, n, data, 0);
  }
}
