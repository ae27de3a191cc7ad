package io.zt4j.bench.crypto;

import io.zt4j.node.crypto.AesGmacSiv;
import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.node.wire.CipherSuite;
import io.zt4j.node.wire.PacketArmor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Armour + dearmour of one 1,400-byte ZeroTier packet per operation, per cipher suite, next to the
 * practical limit: JDK AES-256-GCM encrypt + decrypt of the same payload with the same AAD size.
 * MB/s = ops/s × 1400 / 10^6 (each op moves the packet through both directions). The fork opens
 * {@code com.sun.crypto.provider} so that {@code JDK_GHASH} is available.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ArmorBench {
  static final int PACKET = 1400;

  /** A cipher suite; for suite 3 {@code +ENGINE} names the GMAC engine. */
  @Param({"POLY1305_NONE", "POLY1305_SALSA2012", "AES_GMAC_SIV+JDK_GHASH", "AES_GMAC_SIV+JDK_GCM",
      "AES_GMAC_SIV+JAVA_GHASH"})
  public String suite;

  private PacketArmor tx;
  private PacketArmor rx;
  private CipherSuite cs;
  private byte[] packet;

  private Cipher gcmEnc;
  private Cipher gcmDec;
  private SecretKeySpec gcmKey;
  private byte[] gcmOut;
  private byte[] gcmIv;
  private long counter;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    byte[] k = new byte[48];
    r.nextBytes(k);
    SymmetricKey key = SymmetricKey.of(k);
    String[] parts = suite.split("\\+");
    AesGmacSiv.GmacEngine engine = parts.length > 1
        ? AesGmacSiv.GmacEngine.valueOf(parts[1]) : AesGmacSiv.GmacEngine.preferred();
    tx = new PacketArmor(key, engine);
    rx = new PacketArmor(key, engine);
    cs = CipherSuite.valueOf(parts[0]);
    packet = new byte[PACKET];
    r.nextBytes(packet);
    packet[18] = 0;
    packet[27] = 6; // FRAME

    byte[] gk = new byte[32];
    r.nextBytes(gk);
    gcmKey = new SecretKeySpec(gk, "AES");
    gcmEnc = Cipher.getInstance("AES/GCM/NoPadding");
    gcmDec = Cipher.getInstance("AES/GCM/NoPadding");
    gcmOut = new byte[PACKET + 16];
    gcmIv = new byte[12];
  }

  @Benchmark
  public int armorDearmor() {
    tx.armor(packet, 0, PACKET, cs);
    PacketArmor.Result res = rx.dearmor(packet, 0, PACKET);
    if (res != PacketArmor.Result.OK) {
      throw new IllegalStateException(res.name());
    }
    return packet[27];
  }

  /** Baseline: JDK AES-256-GCM encrypt + decrypt of the same 1,373-byte payload, 11-byte AAD. */
  @Benchmark
  public int jdkAesGcm() throws Exception {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      gcmIv[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    GCMParameterSpec spec = new GCMParameterSpec(128, gcmIv);
    gcmEnc.init(Cipher.ENCRYPT_MODE, gcmKey, spec);
    gcmEnc.updateAAD(packet, 8, 11);
    int n = gcmEnc.doFinal(packet, 27, PACKET - 27, gcmOut, 0);
    gcmDec.init(Cipher.DECRYPT_MODE, gcmKey, spec);
    gcmDec.updateAAD(packet, 8, 11);
    return gcmDec.doFinal(gcmOut, 0, n, packet, 27);
  }
}
