package io.zt4j.bench.crypto;

import io.zt4j.node.crypto.Poly1305;
import io.zt4j.node.crypto.Salsa20;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The two implementation choices of node.crypto, measured on 1,373-byte payloads (a 1,400-byte
 * packet after the header):
 *
 * <ul>
 *   <li>Salsa20/12 + Poly1305: our own code vs Bouncy Castle's engines.
 *   <li>The GMAC of AES-GMAC-SIV: JDK AES-GCM used as GMAC (AAD only, intrinsics, init per
 *       message) vs node.crypto's table-driven Java GHASH; and the CTR part: JDK AES/CTR
 *       re-initialised per message vs counter blocks through a reused AES/ECB cipher.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PrimitivesBench {
  static final int LEN = 1373;

  private byte[] data;
  private byte[] key32;
  private byte[] nonce8;
  private final byte[] polyKey = new byte[32];
  private final byte[] tag = new byte[16];
  private final byte[] zero32 = new byte[32];
  private final Salsa20 salsa = new Salsa20();

  private Salsa20Engine bcSalsa;
  private org.bouncycastle.crypto.macs.Poly1305 bcPoly;

  private Cipher jdkGcm;
  private SecretKeySpec gmacKey;
  private byte[] gmacNonce;
  private io.zt4j.node.crypto.Ghash ghash;
  private Cipher jdkCtr;
  private Cipher jdkEcb;
  private final byte[] ctrIv = new byte[16];
  private final byte[] ctrBlocks = new byte[1376];
  private final byte[] out = new byte[1376];
  private long counter;

  @Setup
  public void setup() throws Exception {
    SplittableRandom r = new SplittableRandom(2);
    data = new byte[LEN];
    r.nextBytes(data);
    key32 = new byte[32];
    r.nextBytes(key32);
    nonce8 = new byte[8];
    r.nextBytes(nonce8);
    bcSalsa = new Salsa20Engine(12);
    bcPoly = new org.bouncycastle.crypto.macs.Poly1305();
    jdkGcm = Cipher.getInstance("AES/GCM/NoPadding");
    gmacKey = new SecretKeySpec(key32, "AES");
    gmacNonce = new byte[12];
    ghash = new io.zt4j.node.crypto.Ghash(key32, 0);
    jdkCtr = Cipher.getInstance("AES/CTR/NoPadding");
    jdkEcb = Cipher.getInstance("AES/ECB/NoPadding");
    jdkEcb.init(Cipher.ENCRYPT_MODE, gmacKey);
  }

  /** Suite-1 crypto with our code: Poly1305 key from block 0, encrypt from block 1, MAC. */
  @Benchmark
  public byte salsa2012Poly1305Own() {
    nonce8[0]++;
    salsa.init(key32, 0, nonce8, 0);
    salsa.crypt12(zero32, 0, polyKey, 0, 32);
    salsa.crypt12(data, 0, data, 0, LEN);
    Poly1305.mac(polyKey, 0, data, 0, LEN, tag, 0);
    return tag[0];
  }

  /** Salsa20/12 alone over the payload (our code). */
  @Benchmark
  public byte salsa2012Own() {
    nonce8[0]++;
    salsa.init(key32, 0, nonce8, 0);
    salsa.crypt12(data, 0, data, 0, LEN);
    return data[0];
  }

  /** Poly1305 alone over the payload (our code). */
  @Benchmark
  public byte poly1305Own() {
    Poly1305.mac(key32, 0, data, 0, LEN, tag, 0);
    return tag[0];
  }

  /** The same with Bouncy Castle's Salsa20Engine(12) and Poly1305. */
  @Benchmark
  public byte salsa2012Poly1305BouncyCastle() {
    nonce8[0]++;
    bcSalsa.init(true, new ParametersWithIV(new KeyParameter(key32), nonce8));
    byte[] block0 = new byte[64];
    bcSalsa.processBytes(new byte[64], 0, 64, block0, 0);
    bcSalsa.processBytes(data, 0, LEN, data, 0);
    bcPoly.init(new KeyParameter(block0, 0, 32));
    bcPoly.update(data, 0, LEN);
    bcPoly.doFinal(tag, 0);
    return tag[0];
  }

  /** GMAC over 16 + 1,373 bytes with the JDK's GCM (AAD only), as AesGmacSiv does. */
  @Benchmark
  public byte gmacJdkGcm() throws Exception {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      gmacNonce[i] = (byte) (c >>> (56 - 8 * i));
    }
    jdkGcm.init(Cipher.ENCRYPT_MODE, gmacKey, new GCMParameterSpec(128, gmacNonce));
    jdkGcm.updateAAD(zero32, 0, 16);
    jdkGcm.updateAAD(data, 0, LEN);
    jdkGcm.doFinal(tag, 0);
    return tag[0];
  }

  /** GHASH alone over the same 16 + 1,373 bytes + length block with node.crypto's Ghash. */
  @Benchmark
  public long ghashOwn() {
    ghash.reset();
    ghash.update(zero32, 0, 16);
    ghash.update(data, 0, LEN);
    ghash.block(8L * (16 + LEN), 0);
    return ghash.high() ^ ghash.low();
  }

  /** AES-256-CTR over the payload: JDK AES/CTR/NoPadding, re-initialised per message. */
  @Benchmark
  public byte ctrJdkInit() throws Exception {
    gmacNonce[0]++;
    ctrIv[0] = gmacNonce[0];
    jdkCtr.init(Cipher.ENCRYPT_MODE, gmacKey, new javax.crypto.spec.IvParameterSpec(ctrIv));
    jdkCtr.doFinal(data, 0, LEN, out, 0);
    return out[0];
  }

  /** AES-256 on 86 counter blocks through a reused AES/ECB cipher (as AesGmacSiv's CTR does). */
  @Benchmark
  public byte ecbCounterBlocks() throws Exception {
    jdkEcb.update(ctrBlocks, 0, 1376, out, 0);
    return out[0];
  }
}
