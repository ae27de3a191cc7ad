package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Salsa20Test {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] keystream(int rounds, String key, String iv, int length) {
    Salsa20 s = new Salsa20(HEX.parseHex(key), 0, HEX.parseHex(iv), 0);
    byte[] out = new byte[length];
    s.crypt(rounds, new byte[length], 0, out, 0, length);
    return out;
  }

  private static final String K80 = "80" + "00".repeat(31);
  private static final String K_MIXED =
      "0053A6F94C9FF24598EB3E91E4378ADD3083D6297CCF2275C81B6EC11467BA0D";

  /** eSTREAM verified.test-vectors, Salsa20/20 with 256-bit keys (first 8 stream bytes). */
  @Test
  void salsa20_20_estreamVectors() {
    assertThat(keystream(20, K80, "0000000000000000", 8)).isEqualTo(HEX.parseHex("E3BE8FDD8BECA2E3"));
    assertThat(keystream(20, "00".repeat(32), "8000000000000000", 8))
        .isEqualTo(HEX.parseHex("2ABA3DC45B494700"));
    assertThat(keystream(20, K_MIXED, "0D74DB42A91077DE", 8)).isEqualTo(HEX.parseHex("F5FAD53F79F9DF58"));
  }

  /** eSTREAM Salsa20/20 stream test: blocks 0, 3, 4, 7 of 512 bytes, and the XOR of all 8. */
  @Test
  void salsa20_20_estreamStream() {
    byte[] ks = keystream(20,
        "48494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F6061626364656667", "0000000000000000", 512);
    String expected = "53AD3698A011F779AD71030F3EFBEBA0A7EE3C55789681B1591EF33A7BE521ED"
        + "68FC36E58F53FFD6E1369B00E390E973F656ACB097E0D603BE59A0B8F7975B98"
        + "A04698274C6AC6EC03F66ED3F94C08B79FFDBF2A1610E6F5814905E73AD6D0D2"
        + "8164EEB8450D8ED0BB4B644761B4351252DD5DDF00C31E3DABA0BC17691CCFDC"
        + "B826C7F071E796D34E3BFFB3C96E76A1209388392806947C7F19B86D379FA3AE"
        + "DFCD19EBF49803DACC6E577E5B97B0F6D2036B6624D8196C96FCF02C865D30C1"
        + "B505D41E2C207FA1C0A0E93413DDCFFC9BECA8030AFFAC2466E56482DA0EF428"
        + "E63880B5021D3051F18679505A2B9D4F9B2C5A2D271D276DE3F51DBEBA934436";
    byte[] e = HEX.parseHex(expected);
    byte[] got = new byte[256];
    System.arraycopy(ks, 0, got, 0, 64);
    System.arraycopy(ks, 192, got, 64, 128);
    System.arraycopy(ks, 448, got, 192, 64);
    assertThat(got).isEqualTo(e);
    byte[] xor = new byte[64];
    for (int i = 0; i < 512; i++) {
      xor[i & 63] ^= ks[i];
    }
    assertThat(xor).isEqualTo(HEX.parseHex("7849651A820B1CDFE36D5D6632716534E0635EDEFD538122D80870B60FB055DB"
        + "637C7CA2B78B116F83AFF46E40F8F71D4CD6D2E1B750D5E011D1DF2E80F7210A"));
  }

  /** eSTREAM verified.test-vectors, reduced Salsa20/12 with 256-bit keys (first 8 stream bytes). */
  @Test
  void salsa20_12_estreamVectors() {
    assertThat(keystream(12, K80, "0000000000000000", 8)).isEqualTo(HEX.parseHex("AFE411ED1C4E07E4"));
    assertThat(keystream(12, K_MIXED, "0D74DB42A91077DE", 8)).isEqualTo(HEX.parseHex("52E20CF8775AE882"));
  }

  /** ZeroTier's worked example: keystream block 0 under the mangled key of a captured HELLO. */
  @Test
  void salsa20_12_zeroTierWorkedExample() {
    assertThat(keystream(12, "619a46d99ef7ecbe588658d2e6d8c9d882609fecfc414d9f82ce3ddeefbd9e85",
            "5006f94c0da83903", 64))
        .isEqualTo(HEX.parseHex("09ba1e211762cc48ed4c782db1e83ba12ec2137adcb017438e08219863ea3393"
            + "4c8da53db526e9189e6f2e265361b82c2cd86b4314dd0c47c88e7d97fd7ceba3"));
  }

  /** Each call consumes whole blocks: a 32-byte call followed by another starts at block 1. */
  @Test
  void partialBlockDiscardsRestOfBlock() {
    byte[] key = new byte[32];
    key[3] = 7;
    byte[] iv = new byte[8];
    byte[] full = new byte[192];
    new Salsa20(key, 0, iv, 0).crypt12(new byte[192], 0, full, 0, 192);
    Salsa20 s = new Salsa20(key, 0, iv, 0);
    byte[] a = new byte[32];
    s.crypt12(new byte[32], 0, a, 0, 32);
    byte[] b = new byte[100];
    s.crypt12(new byte[100], 0, b, 0, 100);
    assertThat(a).isEqualTo(java.util.Arrays.copyOfRange(full, 0, 32));
    assertThat(b).isEqualTo(java.util.Arrays.copyOfRange(full, 64, 164));
  }

  @Property(tries = 200)
  void inPlaceEqualsOutOfPlaceAndDecrypts(
      @ForAll @Size(32) byte[] key, @ForAll @Size(8) byte[] iv, @ForAll @Size(max = 700) byte[] data,
      @ForAll @IntRange(min = 0, max = 1) int r) {
    int rounds = r == 0 ? 12 : 20;
    byte[] out = new byte[data.length];
    new Salsa20(key, 0, iv, 0).crypt(rounds, data, 0, out, 0, data.length);
    byte[] inPlace = data.clone();
    new Salsa20(key, 0, iv, 0).crypt(rounds, inPlace, 0, inPlace, 0, inPlace.length);
    assertThat(inPlace).isEqualTo(out);
    new Salsa20(key, 0, iv, 0).crypt(rounds, inPlace, 0, inPlace, 0, inPlace.length);
    assertThat(inPlace).isEqualTo(data);
  }

  /** The word-based block equals the byte keystream, block after block, mixed with byte calls. */
  @Property(tries = 50)
  void nextBlock20MatchesByteKeystream(@ForAll @Size(32) byte[] key, @ForAll @Size(8) byte[] iv,
      @ForAll @IntRange(min = 1, max = 5) int blocks) {
    Salsa20 words = new Salsa20(key, 0, iv, 0);
    Salsa20 bytes = new Salsa20(key, 0, iv, 0);
    int[] w = new int[16];
    byte[] b = new byte[64];
    for (int i = 0; i < blocks; i++) {
      words.nextBlock20(w);
      bytes.keystream(20, b, 0, 64);
      for (int j = 0; j < 16; j++) {
        int expected = (b[4 * j] & 0xff) | (b[4 * j + 1] & 0xff) << 8
            | (b[4 * j + 2] & 0xff) << 16 | (b[4 * j + 3] & 0xff) << 24;
        assertThat(w[j]).as("block " + i + " word " + j).isEqualTo(expected);
      }
    }
    // both continue at the same stream position
    byte[] x = new byte[64];
    byte[] y = new byte[64];
    words.crypt20(x, 0, x, 0, 64);
    bytes.crypt20(y, 0, y, 0, 64);
    assertThat(x).isEqualTo(y);
  }
}
