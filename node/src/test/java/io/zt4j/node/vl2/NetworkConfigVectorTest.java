package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Every network config ZeroTier One's controller sent in the lab decodes, verifies and re-encodes identically. */
class NetworkConfigVectorTest {

  static List<Path> configs() throws IOException {
    Path lab = Environment.vectors().resolve("lab");
    try (Stream<Path> s = Files.walk(lab)) {
      return s.filter(p -> p.toString().endsWith(".dict")
          || (p.toString().contains("networks.d") && p.toString().endsWith("c3.conf"))).sorted().toList();
    }
  }

  static Identity ctl() throws IOException {
    return Identity.fromString(Files.readString(
        Environment.vectors().resolve("lab/ids/ctl.identity.public")).strip()).orElseThrow();
  }

  @Test
  void labConfigsRoundTripAndVerify() throws IOException {
    List<Path> files = configs();
    assertThat(files).hasSizeGreaterThanOrEqualTo(8);
    Identity ctl = ctl();
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      Parsed<NetworkConfig> p = NetworkConfig.parse(bytes);
      assertThat(p.isOk()).as(f.toString()).isTrue();
      NetworkConfig c = p.value();
      assertThat(c.toDictionary().serialize()).as(f.toString()).isEqualTo(bytes);
      assertThat(c.networkId()).isEqualTo(0x2b53dd2a51a1b2c3L);
      assertThat(c.name()).isEqualTo("ztlab");
      assertThat(c.mtu()).isEqualTo(2800);
      assertThat(c.multicastLimit()).isEqualTo(32);
      assertThat(c.isPrivate()).isTrue();
      assertThat(c.enableBroadcast()).isTrue();
      assertThat(c.ndpEmulation()).isTrue();
      assertThat(c.credentialTimeMaxDelta()).isEqualTo(NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA);
      assertThat(c.com().verify(ctl)).isTrue();
      assertThat(c.com().issuedTo()).isEqualTo(c.issuedTo());
      assertThat(c.certificatesOfOwnership()).hasSize(1);
      CertificateOfOwnership coo = c.certificatesOfOwnership().get(0);
      assertThat(coo.verify(ctl)).isTrue();
      assertThat(coo.issuedTo()).isEqualTo(c.issuedTo());
      assertThat(c.staticIps()).hasSize(3);
      for (InetAddress ip : c.staticIps()) {
        assertThat(coo.owns(ip)).isTrue();
      }
      assertThat(c.staticIps().get(0).port()).isEqualTo(88);
      assertThat(c.staticIps().get(1).port()).isEqualTo(40);
      assertThat(c.staticIps().get(2).port()).isEqualTo(24);
      assertThat(c.routes()).hasSize(1);
      assertThat(c.routes().get(0).target().toString()).isEqualTo("10.147.17.0/24");
      assertThat(c.routes().get(0).via().isNil()).isTrue();
      assertThat(Rules.encode(c.rules())).containsExactly(
          java.util.HexFormat.of().parseHex("a5020800a5020806a50286dd00000100"));
    }
  }

  @Property(tries = 300)
  void garbageNeverThrows(@ForAll @Size(max = 300) byte[] bytes) {
    NetworkConfig.parse(bytes);
  }

  @Test
  void tamperedCertificatesFailVerification() throws IOException {
    byte[] bytes = Files.readAllBytes(configs().get(0));
    NetworkConfig c = NetworkConfig.parse(bytes).value();
    byte[] coo = c.certificatesOfOwnership().get(0).serialize();
    coo[40] ^= 1;
    assertThat(CertificateOfOwnership.parse(coo, 0, coo.length).value().verify(ctl())).isFalse();
    for (int cut = 0; cut < coo.length; cut++) {
      assertThat(CertificateOfOwnership.parse(coo, 0, cut).isOk()).isFalse();
    }
  }
}
