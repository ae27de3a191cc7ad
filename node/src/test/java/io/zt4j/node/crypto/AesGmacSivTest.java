package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import io.zt4j.node.crypto.AesGmacSiv.GmacEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AesGmacSivTest {
  private static final HexFormat HEX = HexFormat.of();

  // lab/worked-examples.txt: OK(HELLO), cipher suite 3, root -> ctl
  private static final String PACKET = "af29128a26a707182b53dd2a51523be43e9718ce3a8b76adb4c520a376af2af0dfaca54dd512286c8e"
      + "6483cc0d8d5a60b309bc3169400647ab6e527e78f4cbbe1ab7b97eef3c71";
  private static final String K0 = "712c02714af959c2c1df9e0f52dc2ebc590d7d392ca42e4ebfbecb03fa3bf407";
  private static final String K1 = "4eef162fb21206b998e24a28a5361a5c3e13a3ada067513458d702d4b0001e81";
  private static final String PLAIN = "03013cea5d35adacad69000001a2166a49900c010e000106fd990000000000000000000000000002270a0000";

  private static byte[] tagOf(byte[] p) {
    byte[] tag = new byte[16];
    System.arraycopy(p, 0, tag, 0, 8);
    System.arraycopy(p, 19, tag, 8, 8);
    return tag;
  }

  private static byte[] aadOf(byte[] p) {
    byte[] aad = Arrays.copyOfRange(p, 8, 19);
    aad[10] &= (byte) 0xf8;
    return aad;
  }

  @ParameterizedTest
  @EnumSource(GmacEngine.class)
  void decryptsWorkedExampleAndReencryptsIdentically(GmacEngine engine) {
    byte[] p = HEX.parseHex(PACKET);
    AesGmacSiv siv = new AesGmacSiv(HEX.parseHex(K0), HEX.parseHex(K1), engine);
    byte[] data = Arrays.copyOfRange(p, 27, p.length);
    assertThat(siv.decrypt(tagOf(p), 0, aadOf(p), 0, 11, data, 0, data.length)).isTrue();
    assertThat(HEX.formatHex(data)).isEqualTo(PLAIN);
    // ivmac = c1a667179d01f8f4 bc11751b9eaa35a5 per the worked example
    assertThat(siv.lastDecryptedIv()).isEqualTo(0xc1a667179d01f8f4L);

    byte[] tag = new byte[16];
    siv.encrypt(siv.lastDecryptedIv(), aadOf(p), 0, 11, data, 0, data.length, tag, 0);
    assertThat(tag).isEqualTo(tagOf(p));
    assertThat(data).isEqualTo(Arrays.copyOfRange(p, 27, p.length));
  }

  @ParameterizedTest
  @EnumSource(GmacEngine.class)
  void duplicateMessagesVerifyRepeatedly(GmacEngine engine) {
    byte[] p = HEX.parseHex(PACKET);
    AesGmacSiv siv = new AesGmacSiv(HEX.parseHex(K0), HEX.parseHex(K1), engine);
    for (int i = 0; i < 5; i++) {
      byte[] data = Arrays.copyOfRange(p, 27, p.length);
      assertThat(siv.decrypt(tagOf(p), 0, aadOf(p), 0, 11, data, 0, data.length)).as("try " + i).isTrue();
      assertThat(HEX.formatHex(data)).isEqualTo(PLAIN);
    }
  }

  @ParameterizedTest
  @EnumSource(GmacEngine.class)
  void rejectsTamperedTagAadOrData(GmacEngine engine) {
    byte[] p = HEX.parseHex(PACKET);
    AesGmacSiv siv = new AesGmacSiv(HEX.parseHex(K0), HEX.parseHex(K1), engine);
    for (int bit = 0; bit < p.length * 8; bit += 7) {
      byte[] q = p.clone();
      q[bit >>> 3] ^= (byte) (1 << (bit & 7));
      if ((bit >>> 3) == 18 && (bit & 7) < 3) {
        continue; // hop-count bits are not authenticated
      }
      byte[] data = Arrays.copyOfRange(q, 27, q.length);
      assertThat(siv.decrypt(tagOf(q), 0, aadOf(q), 0, 11, data, 0, data.length)).as("bit " + bit).isFalse();
    }
  }

  @Property(tries = 100)
  void roundTrip(@ForAll @Size(32) byte[] k0, @ForAll @Size(32) byte[] k1, @ForAll long iv,
      @ForAll @Size(max = 16) byte[] aad, @ForAll @Size(max = 1500) byte[] plain) {
    AesGmacSiv siv = new AesGmacSiv(k0, k1, GmacEngine.JDK_GCM);
    byte[] data = plain.clone();
    byte[] tag = new byte[16];
    siv.encrypt(iv, aad, 0, aad.length, data, 0, data.length, tag, 0);
    AesGmacSiv other = new AesGmacSiv(k0, k1, GmacEngine.JAVA_GHASH);
    assertThat(other.decrypt(tag, 0, aad, 0, aad.length, data, 0, data.length)).isTrue();
    assertThat(data).isEqualTo(plain);
    assertThat(other.lastDecryptedIv()).isEqualTo(iv);
  }

  /**
   * The same construction built only from JDK primitives (GCM with the padded AAD and the
   * plaintext as AAD for the GMAC, AES/CTR for the payload), as the class documentation states
   * it; the implementation (own GHASH, CTR over ECB) must agree bit for bit.
   */
  @Property(tries = 100)
  void agreesWithJdkGcmAndCtrReference(@ForAll GmacEngine engine,
      @ForAll @Size(32) byte[] k0, @ForAll @Size(32) byte[] k1,
      @ForAll long iv, @ForAll @Size(max = 16) byte[] aad, @ForAll @Size(max = 3000) byte[] plain)
      throws Exception {
    SecretKeySpec key0 = new SecretKeySpec(k0, "AES");
    SecretKeySpec key1 = new SecretKeySpec(k1, "AES");
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] nonce = ByteBuffer.allocate(12).putLong(iv).array();
    gcm.init(Cipher.ENCRYPT_MODE, key0, new GCMParameterSpec(128, nonce));
    gcm.updateAAD(Arrays.copyOf(aad, (aad.length + 15) & ~15));
    gcm.updateAAD(plain);
    ByteBuffer g = ByteBuffer.wrap(gcm.doFinal());
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, key1);
    byte[] expectedTag = ecb.doFinal(
        ByteBuffer.allocate(16).putLong(iv).putLong(g.getLong(0) ^ g.getLong(8)).array());
    byte[] ctrIv = expectedTag.clone();
    ctrIv[12] &= 0x7f;
    Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
    ctr.init(Cipher.ENCRYPT_MODE, key1, new IvParameterSpec(ctrIv));
    byte[] expectedData = ctr.doFinal(plain);

    AesGmacSiv siv = new AesGmacSiv(k0, k1, engine);
    byte[] data = new byte[plain.length + 7];
    System.arraycopy(plain, 0, data, 5, plain.length);
    byte[] tag = new byte[20];
    siv.encrypt(iv, aad, 0, aad.length, data, 5, plain.length, tag, 3);
    assertThat(Arrays.copyOfRange(tag, 3, 19)).isEqualTo(expectedTag);
    assertThat(Arrays.copyOfRange(data, 5, 5 + plain.length)).isEqualTo(expectedData);
  }

  /**
   * node's tests open {@code com.sun.crypto.provider} (node/pom.xml), so the direct JDK GHASH must
   * be usable and preferred here; without the flag (every other module's tests) it falls back.
   */
  @org.junit.jupiter.api.Test
  void directJdkGhashIsAvailableAndPreferredWhenOpened() {
    assertThat(JdkGhash.UNAVAILABLE_REASON).isNull();
    assertThat(GmacEngine.JDK_GHASH.available()).isTrue();
    assertThat(GmacEngine.preferred()).isEqualTo(GmacEngine.JDK_GHASH);
    assertThat(new AesGmacSiv(new byte[32], new byte[32]).engine()).isEqualTo(GmacEngine.JDK_GHASH);
  }

  /** Payload lengths around the engines' internal boundaries (block, small-message, chunk). */
  @Provide
  Arbitrary<Integer> edgeLengths() {
    return Arbitraries.oneOf(
        Arbitraries.of(0, 1, 15, 16, 17, 255, 256, 257, 1373, 2800, 4095, 4096, 4097, 10000),
        Arbitraries.integers().between(0, 10000));
  }

  /**
   * Both JDK engines against the independent {@link GmacEngine#JAVA_GHASH} path on random keys,
   * IVs, AAD and payload lengths (including the edges above), at an unaligned offset, with the
   * same message encrypted twice in a row (a repeated nonce gives identical bytes) and decrypted
   * twice by both (a duplicate packet verifies every time).
   */
  @Property(tries = 150)
  void jdkEnginesMatchReferenceOnEdgeLengthsAndRepeatedNonces(
      @ForAll @Size(32) byte[] k0, @ForAll @Size(32) byte[] k1, @ForAll long iv,
      @ForAll @Size(max = AesGmacSiv.MAX_AAD_LENGTH) byte[] aad,
      @ForAll("edgeLengths") int length, @ForAll @IntRange(min = 0, max = 40) int offset,
      @ForAll long seed) {
    checkAgainstReference(GmacEngine.JDK_GHASH, k0, k1, iv, aad, length, offset, seed);
    checkAgainstReference(GmacEngine.JDK_GCM, k0, k1, iv, aad, length, offset, seed);
  }

  private static void checkAgainstReference(GmacEngine engine, byte[] k0, byte[] k1, long iv,
      byte[] aad, int length, int offset, long seed) {
    byte[] plain = new byte[length];
    new java.util.SplittableRandom(seed).nextBytes(plain);
    AesGmacSiv fast = new AesGmacSiv(k0, k1, engine);
    AesGmacSiv ref = new AesGmacSiv(k0, k1, GmacEngine.JAVA_GHASH);
    byte[] expected = plain.clone();
    byte[] expectedTag = new byte[16];
    ref.encrypt(iv, aad, 0, aad.length, expected, 0, length, expectedTag, 0);
    for (int round = 0; round < 2; round++) {
      byte[] data = new byte[offset + length + 3];
      System.arraycopy(plain, 0, data, offset, length);
      byte[] tag = new byte[16];
      fast.encrypt(iv, aad, 0, aad.length, data, offset, length, tag, 0);
      assertThat(tag).as(engine + " tag, round " + round).isEqualTo(expectedTag);
      assertThat(Arrays.copyOfRange(data, offset, offset + length)).isEqualTo(expected);
    }
    for (AesGmacSiv siv : new AesGmacSiv[] {fast, ref, fast}) {
      byte[] data = new byte[offset + length];
      System.arraycopy(expected, 0, data, offset, length);
      assertThat(siv.decrypt(expectedTag, 0, aad, 0, aad.length, data, offset, length)).isTrue();
      assertThat(siv.lastDecryptedIv()).isEqualTo(iv);
      assertThat(Arrays.copyOfRange(data, offset, offset + length)).isEqualTo(plain);
    }
    if (length > 0) {
      byte[] data = new byte[offset + length];
      System.arraycopy(expected, 0, data, offset, length);
      data[offset + length - 1] ^= 1;
      assertThat(fast.decrypt(expectedTag, 0, aad, 0, aad.length, data, offset, length)).isFalse();
    }
  }
}
