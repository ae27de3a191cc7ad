package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class GhashTest {
  private static final HexFormat HEX = HexFormat.of();

  /** McGrew/Viega, "The Galois/Counter Mode of Operation", test case 2 (AES-128, zero key). */
  @Test
  void gcmSpecTestCase2() {
    Ghash g = new Ghash(HEX.parseHex("66e94bd4ef8a2c3b884cfa59ca342b2e"), 0);
    g.reset();
    g.update(HEX.parseHex("0388dace60b6a392f328c2b971b2fe78"), 0, 16);
    g.block(0, 128); // len(A) = 0, len(C) = 128 bits
    assertThat(hex(g)).isEqualTo("f38cbb1ad69223dcc3457ae5b6b0f885");
  }

  /** Test case 4: 60-byte ciphertext, 20-byte AAD (partial blocks in both sections). */
  @Test
  void gcmSpecTestCase4() {
    Ghash g = new Ghash(HEX.parseHex("b83b533708bf535d0aa6e52980d53b78"), 0);
    byte[] aad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    byte[] c = HEX.parseHex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
    g.reset();
    g.update(aad, 0, aad.length);
    g.update(c, 0, c.length);
    g.block(aad.length * 8L, c.length * 8L);
    assertThat(hex(g)).isEqualTo("698e57f70e6ecc7fd9463b7260a9ae5f");
  }

  /** GMAC built on our GHASH equals the JDK's AES-GCM tag with AAD only. */
  @Property(tries = 200)
  void gmacMatchesJdkGcm(@ForAll @Size(32) byte[] key, @ForAll @Size(12) byte[] nonce,
      @ForAll @Size(max = 600) byte[] aad, @ForAll @IntRange(max = 600) int split) throws Exception {
    SecretKeySpec k = new SecretKeySpec(key, "AES");
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
    gcm.updateAAD(aad);
    byte[] expected = gcm.doFinal();

    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, k);
    Ghash g = new Ghash(new Ghash(ecb.doFinal(new byte[16]), 0));
    g.reset();
    // two pieces: the first a whole number of blocks, as the contract requires
    int first = Math.min(split, aad.length) & ~15;
    g.update(aad, 0, first);
    g.update(aad, first, aad.length - first);
    g.block(aad.length * 8L, 0);
    byte[] j0 = ByteBuffer.allocate(16).put(nonce).putInt(1).array();
    byte[] e = ecb.doFinal(j0);
    ByteBuffer tag = ByteBuffer.allocate(16);
    tag.putLong(g.high() ^ ByteBuffer.wrap(e).getLong(0));
    tag.putLong(g.low() ^ ByteBuffer.wrap(e).getLong(8));
    assertThat(tag.array()).isEqualTo(expected);
  }

  private static String hex(Ghash g) {
    return HEX.formatHex(ByteBuffer.allocate(16).putLong(g.high()).putLong(g.low()).array());
  }
}
