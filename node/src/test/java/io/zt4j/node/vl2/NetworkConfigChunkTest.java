package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.identity.Identity;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Config chunks as ZeroTier One's controller sent them in the lab, rebuilt byte for byte. */
class NetworkConfigChunkTest {
  private static final Pattern VERB = Pattern.compile("\"verb\": \"(NETWORK_CONFIG|OK)\"");
  private static final Pattern PAYLOAD = Pattern.compile("\"plaintext_after_verb_decompressed\": \"([0-9a-f]+)\"");

  static Identity id(String file) throws IOException {
    return Identity.fromString(Files.readString(Environment.vectors().resolve("lab/ids/" + file)).strip()).orElseThrow();
  }

  /** Payloads of the captured NETWORK_CONFIG packets (and OK replies, without their in-re header). */
  static List<byte[]> capturedChunks(String run) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(Environment.vectors().resolve("lab/" + run + "/decoded/underlay.packets.jsonl"))) {
      if (!line.contains("NETWORK_CONFIG") || line.contains("\"verb\": \"NETWORK_CONFIG_REQUEST\"")) {
        continue;
      }
      Matcher v = VERB.matcher(line);
      Matcher m = PAYLOAD.matcher(line);
      if (v.find() && m.find()) {
        byte[] p = HexFormat.of().parseHex(m.group(1));
        out.add(v.group(1).equals("OK") ? java.util.Arrays.copyOfRange(p, 9, p.length) : p);
      }
    }
    return out;
  }

  @Test
  void rebuildsTheLabsChunksAndVerifiesThem() throws IOException {
    Identity ctl = id("ctl.identity.secret");
    int checked = 0;
    for (String run : new String[] {"dualstack", "ipv4only"}) {
      List<byte[]> chunks = capturedChunks(run);
      assertThat(chunks).hasSizeGreaterThanOrEqualTo(4);
      for (byte[] wire : chunks) {
        NetworkConfigChunk c = NetworkConfigChunk.parse(wire, 0, wire.length).value();
        assertThat(c.verify(ctl.withoutPrivateKey())).isTrue();
        assertThat(c.chunkIndex()).isZero();
        assertThat(c.totalLength()).isEqualTo(c.data().length);
        assertThat(c.serialize()).isEqualTo(wire);
        // Signing the same config with the same update id gives ZeroTier One's bytes.
        List<NetworkConfigChunk> again = NetworkConfigChunk.split(c.networkId(), c.data(), c.updateId(), ctl);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).serialize()).isEqualTo(wire);
        // And the config inside is one ZeroTier One's controller signed.
        NetworkConfig nc = NetworkConfig.parse(c.data()).value();
        assertThat(nc.networkId()).isEqualTo(c.networkId());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  @Test
  void largeConfigsAreCutIntoSignedChunksThatReassemble() throws IOException {
    Identity ctl = id("ctl.identity.secret");
    byte[] big = new byte[NetworkConfigChunk.MAX_CHUNK * 2 + 100];
    new Random(1).nextBytes(big);
    List<NetworkConfigChunk> chunks = NetworkConfigChunk.split(7, big, 99, ctl);
    assertThat(chunks).hasSize(3);
    byte[] joined = new byte[big.length];
    for (NetworkConfigChunk c : chunks) {
      byte[] wire = c.serialize();
      NetworkConfigChunk back = NetworkConfigChunk.parse(wire, 0, wire.length).value();
      assertThat(back.verify(ctl)).isTrue();
      assertThat(back.totalLength()).isEqualTo(big.length);
      System.arraycopy(back.data(), 0, joined, back.chunkIndex(), back.data().length);
    }
    assertThat(joined).isEqualTo(big);
    byte[] tampered = chunks.get(1).serialize();
    tampered[20] ^= 1;
    assertThat(NetworkConfigChunk.parse(tampered, 0, tampered.length).value().verify(ctl)).isFalse();
  }

  @Property(tries = 300)
  void garbageIsDroppedNotThrown(@ForAll @Size(max = 200) byte[] bytes) {
    NetworkConfigChunk.parse(bytes, 0, bytes.length);
  }

  @Test
  void errorAndRevocationPayloads() throws IOException {
    // The lab's ERROR(NETWORK_CONFIG_REQUEST) to member a, NETWORK_ACCESS_DENIED.
    assertThat(HexFormat.of().formatHex(ControllerPayloads.error(0x4cab9fb51a2c8280L,
        ControllerPayloads.ERROR_NETWORK_ACCESS_DENIED, 0x2b53dd2a51a1b2c3L)))
        .isEqualTo("0b4cab9fb51a2c8280072b53dd2a51a1b2c3");
    Identity ctl = id("ctl.identity.secret");
    Revocation r = Revocation.of(5, 0x2b53dd2a51a1b2c3L, 0, 1000, Revocation.FLAG_FAST_PROPAGATE, 0xd5f97e2e50L,
        CredentialType.COM).sign(ctl);
    byte[] p = ControllerPayloads.revocation(r);
    assertThat(HexFormat.of().formatHex(p, 0, 7)).isEqualTo("00000000000001");
    assertThat(Revocation.parse(p, 7, p.length - 9).value()).isEqualTo(r);
    assertThat(HexFormat.of().formatHex(p, p.length - 2, p.length)).isEqualTo("0000");
    NetworkConfigChunk c = NetworkConfigChunk.split(1, new byte[] {1, 2, 3}, 9, ctl).get(0);
    byte[] ok = ControllerPayloads.okConfig(0x1122334455667788L, c);
    assertThat(HexFormat.of().formatHex(ok, 0, 9)).isEqualTo("0b1122334455667788");
    assertThat(NetworkConfigChunk.parse(ok, 9, ok.length - 9).value()).isEqualTo(c);
  }
}
