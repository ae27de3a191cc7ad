package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] mac(byte[] key, byte[] msg) {
    byte[] tag = new byte[16];
    Poly1305.mac(key, 0, msg, 0, msg.length, tag, 0);
    return tag;
  }

  /** RFC 8439 section 2.5.2. */
  @Test
  void rfc8439Section252() {
    byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
    assertThat(mac(key, msg)).isEqualTo(HEX.parseHex("a8061dc1305136c6c22b8baf0c0127a9"));
  }

  /** RFC 8439 appendix A.3 test vectors #1, #2, #3 (text of #2/#3 is the IETF notice prefix). */
  @Test
  void rfc8439AppendixA3Text() {
    assertThat(mac(new byte[32], new byte[64])).isEqualTo(new byte[16]);
    String text = "Any submission to the IETF intended by the Contributor for publication as all or part"
        + " of an IETF Internet-Draft or RFC and any statement made within the context of an IETF"
        + " activity is considered an \"IETF Contribution\". Such statements include oral statements in"
        + " IETF sessions, as well as written and electronic communications made at any time or place,"
        + " which are addressed to";
    byte[] msg = text.getBytes(StandardCharsets.US_ASCII);
    assertThat(msg).hasSize(375);
    byte[] k2 = HEX.parseHex("00000000000000000000000000000000" + "36e5f6b5c5e06070f0efca96227a863e");
    assertThat(mac(k2, msg)).isEqualTo(HEX.parseHex("36e5f6b5c5e06070f0efca96227a863e"));
    byte[] k3 = HEX.parseHex("36e5f6b5c5e06070f0efca96227a863e" + "00000000000000000000000000000000");
    assertThat(mac(k3, msg)).isEqualTo(HEX.parseHex("f3477e7cd95417af89a6b8794c310cf0"));
  }

  /** RFC 8439 appendix A.3 edge cases #5..#11 (carry and reduction corner cases). */
  @ParameterizedTest
  @CsvSource({
    "02000000000000000000000000000000, 00000000000000000000000000000000, ffffffffffffffffffffffffffffffff, 03000000000000000000000000000000",
    "02000000000000000000000000000000, ffffffffffffffffffffffffffffffff, 02000000000000000000000000000000, 03000000000000000000000000000000",
    "01000000000000000000000000000000, 00000000000000000000000000000000, fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000, 05000000000000000000000000000000",
    "01000000000000000000000000000000, 00000000000000000000000000000000, fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101, 00000000000000000000000000000000",
    "02000000000000000000000000000000, 00000000000000000000000000000000, fdffffffffffffffffffffffffffffff, faffffffffffffffffffffffffffffff",
    "01000000000000000400000000000000, 00000000000000000000000000000000, e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001000000000000000000000000000000, 14000000000000005500000000000000",
    "01000000000000000400000000000000, 00000000000000000000000000000000, e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000, 13000000000000000000000000000000",
  })
  void rfc8439EdgeCases(String r, String s, String msg, String tag) {
    assertThat(mac(HEX.parseHex(r + s), HEX.parseHex(msg))).isEqualTo(HEX.parseHex(tag));
  }

  /** ZeroTier worked example: Poly1305 over a captured HELLO's payload (from the verb byte on). */
  @Test
  void zeroTierHelloTag() {
    byte[] packet = HEX.parseHex("5006f94c0da83903523be43e972b53dd2a5100ae5bed4f1bac6432010c010e0001000001a2166a49"
        + "902b53dd2a510066ce5d0226351d894ac917e7004c35a90b20ac74fcd5cc3aca889e93a219d82616f88b945957cb636d15"
        + "a3c1dbb09879da9a9a7f5d7cbe3965996f33cdd6e0e500040a630001270900000000fcde41b20000019abc8dc900fda2");
    byte[] key = HEX.parseHex("09ba1e211762cc48ed4c782db1e83ba12ec2137adcb017438e08219863ea3393");
    byte[] tag = new byte[16];
    Poly1305.mac(key, 0, packet, 27, packet.length - 27, tag, 0);
    assertThat(tag).isEqualTo(HEX.parseHex("ae5bed4f1bac64327975d9c265dadf3c"));
  }
}
