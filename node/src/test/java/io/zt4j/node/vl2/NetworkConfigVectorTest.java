package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkConfig.Dns;
import io.zt4j.node.vl2.NetworkConfig.Route;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Every network config ZeroTier One 1.14.1 sent or stored in the lab runs parses to the values
 * the vectors list and re-encodes to identical bytes; its credentials verify against the lab
 * controller's identity.
 */
class NetworkConfigVectorTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void everyLabConfigParsesToTheListedValuesAndReencodesIdentically() {
    int checked = 0;
    for (String run : LabVectors.RUNS) {
      for (LabVectors.Listing l : LabVectors.listings(run)) {
        String file = l.file();
        if (file == null || file.endsWith(".local.conf")) {
          continue;
        }
        byte[] bytes = LabVectors.read(LabVectors.run(run).resolve(file));
        Parsed<NetworkConfig> p = NetworkConfig.parse(bytes);
        assertThat(p.isOk()).as(run + " " + file + ": " + p).isTrue();
        NetworkConfig c = p.value();
        assertListed(l, c, run + " " + file);
        assertThat(c.serialize()).as(run + " " + file + " re-encoded").isEqualTo(bytes);
        assertThat(NetworkConfig.parse(c.serialize()).value()).isEqualTo(c);
        checked++;
      }
    }
    assertThat(checked).as("configs checked (4 .dict + 2 .conf per run)").isEqualTo(12);
  }

  private static void assertListed(LabVectors.Listing l, NetworkConfig c, String what) {
    assertThat(hex(l, "v")).as(what + " v").isEqualTo(NetworkConfig.VERSION);
    assertThat(c.networkId()).as(what + " nwid").isEqualTo(hex(l, "nwid"));
    assertThat(c.timestamp()).as(what + " ts").isEqualTo(hex(l, "ts"));
    assertThat(c.credentialTimeMaxDelta()).as(what + " ctmd").isEqualTo(hex(l, "ctmd"));
    assertThat(c.revision()).as(what + " r").isEqualTo(hex(l, "r"));
    assertThat(c.issuedTo()).as(what + " id").isEqualTo(hex(l, "id"));
    assertThat(c.remoteTraceTarget()).as(what + " tt").isEqualTo(hex(l, "tt"));
    assertThat((long) c.remoteTraceLevel()).as(what + " tl").isEqualTo(hex(l, "tl"));
    assertThat(c.flags()).as(what + " f").isEqualTo(hex(l, "f"));
    assertThat(c.multicastLimit()).as(what + " ml").isEqualTo(hex(l, "ml"));
    assertThat((long) c.type()).as(what + " t").isEqualTo(hex(l, "t"));
    assertThat(c.name()).as(what + " n").isEqualTo(l.value("n"));
    assertThat((long) c.mtu()).as(what + " mtu").isEqualTo(hex(l, "mtu"));
    assertThat(HEX.formatHex(c.com().orElseThrow().serialize())).as(what + " C").isEqualTo(l.value("C"));
    ByteArrayOutputStream coo = new ByteArrayOutputStream();
    c.certificatesOfOwnership().forEach(x -> coo.writeBytes(x.serialize()));
    assertThat(HEX.formatHex(coo.toByteArray())).as(what + " COO").isEqualTo(l.value("COO"));
    ByteArrayOutputStream rt = new ByteArrayOutputStream();
    for (Route r : c.routes()) {
      WireWriter w = new WireWriter(32);
      r.write(w);
      rt.writeBytes(w.toByteArray());
    }
    assertThat(HEX.formatHex(rt.toByteArray())).as(what + " RT").isEqualTo(l.value("RT"));
    ByteArrayOutputStream ips = new ByteArrayOutputStream();
    c.staticIps().forEach(ip -> ips.writeBytes(ip.serialize()));
    assertThat(HEX.formatHex(ips.toByteArray())).as(what + " I").isEqualTo(l.value("I"));
    assertThat(HEX.formatHex(Rules.encode(c.rules()))).as(what + " R").isEqualTo(l.value("R"));
    WireWriter dns = new WireWriter(132);
    c.dns().write(dns);
    assertThat(HEX.formatHex(dns.toByteArray())).as(what + " DNS").isEqualTo(l.value("DNS"));
    assertThat(c.sso().version()).as(what + " ssov").isEqualTo(hex(l, "ssov"));
    assertThat(c.sso().enabled()).as(what + " ssoe").isEqualTo(l.value("ssoe").equals("1"));
    assertThat(l.values().keySet()).as(what + " keys").containsExactly("v", "nwid", "ts", "ctmd", "r", "id", "tt",
        "tl", "f", "ml", "t", "n", "mtu", "C", "COO", "RT", "I", "R", "DNS", "ssov", "ssoe");
  }

  private static long hex(LabVectors.Listing l, String key) {
    return Long.parseUnsignedLong(l.value(key), 16);
  }

  /** What the lab network's config means, checked field by field for member a's stored config. */
  @Test
  void memberAsStoredConfigMeansWhatTheLabSetUp() {
    NetworkConfig c = NetworkConfig.parse(LabVectors.read(
        LabVectors.run("dualstack").resolve("state/a/networks.d/2b53dd2a51a1b2c3.conf"))).value();
    assertThat(c.networkId()).isEqualTo(LabVectors.NWID);
    assertThat(c.issuedTo()).isEqualTo(LabVectors.A);
    assertThat(c.isPrivate()).isTrue();
    assertThat(c.enableBroadcast()).isTrue();
    assertThat(c.ndpEmulation()).isTrue();
    assertThat(c.disableCompression()).isFalse();
    assertThat(c.mtu()).isEqualTo(2800);
    assertThat(c.multicastLimit()).isEqualTo(32);
    assertThat(c.credentialTimeMaxDelta()).isEqualTo(NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA);
    assertThat(c.name()).isEqualTo("ztlab");
    assertThat(c.staticIps()).extracting(ip -> ip.toIpString() + "/" + ip.port()).containsExactly(
        "fd2b:53dd:2a51:a1b2:c399:93d5:f97e:2e50/88", "fc7a:f26f:e9d5:f97e:2e50::1/40", "10.147.17.233/24");
    assertThat(c.routes()).containsExactly(new Route(
        InetAddress.fromString("10.147.17.0/24").orElseThrow(), InetAddress.NIL, 0, 0));
    assertThat(c.routes().get(0).onLink()).isTrue();
    assertThat(c.rules()).containsExactly(
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0800),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0806),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x86dd),
        Rule.action(RuleType.ACTION_DROP),
        Rule.action(RuleType.ACTION_ACCEPT));
    assertThat(c.dns()).isEqualTo(Dns.NONE);
    assertThat(c.dns().isEmpty()).isTrue();
    assertThat(c.sso()).isEqualTo(NetworkConfig.Sso.DISABLED);
    assertThat(c.capabilities()).isEmpty();
    assertThat(c.tags()).isEmpty();
    assertThat(c.specialists()).isEmpty();

    CertificateOfMembership com = c.com().orElseThrow();
    assertThat(com.issuedTo()).isEqualTo(LabVectors.A);
    assertThat(com.networkId()).isEqualTo(LabVectors.NWID);
    assertThat(com.timestamp()).isEqualTo(c.timestamp());

    CertificateOfOwnership coo = c.certificatesOfOwnership().get(0);
    assertThat(coo.issuedTo()).isEqualTo(LabVectors.A);
    assertThat(coo.signedBy()).isEqualTo(LabVectors.CTL);
    assertThat(coo.id()).isEqualTo(1);
    assertThat(coo.things()).extracting(CertificateOfOwnership.Thing::type).containsExactly(3, 3, 2);
    assertThat(coo.owns(InetAddress.fromIpString("10.147.17.233").orElseThrow())).isTrue();
    assertThat(coo.owns(InetAddress.fromIpString("10.147.17.146").orElseThrow())).isFalse();
    assertThat(coo.owns(InetAddress.fromIpString("fd2b:53dd:2a51:a1b2:c399:93d5:f97e:2e50").orElseThrow())).isTrue();
  }

  @Test
  void credentialsInTheLabConfigsVerifyAgainstTheController() {
    Identity ctl = LabVectors.identity("ctl").withoutPrivateKey();
    Identity other = LabVectors.identity("root").withoutPrivateKey();
    LongFunction<Identity> known = a -> a == LabVectors.CTL ? ctl : null;
    LongFunction<Identity> impostor = a -> a == LabVectors.CTL ? Identity.of(ctl.address(), other.publicKey(), null) : null;
    for (String run : LabVectors.RUNS) {
      for (String node : List.of("a", "b")) {
        NetworkConfig c = NetworkConfig.parse(LabVectors.read(
            LabVectors.run(run).resolve("state/" + node + "/networks.d/2b53dd2a51a1b2c3.conf"))).value();
        assertThat(c.com().orElseThrow().verify(ctl)).isTrue();
        CertificateOfOwnership coo = c.certificatesOfOwnership().get(0);
        assertThat(coo.verify(known)).isEqualTo(Verification.OK);
        assertThat(coo.verify(ctl)).isTrue();
        assertThat(c.staticIps()).allMatch(coo::owns);
        assertThat(coo.verify(a -> null)).isEqualTo(Verification.needIdentity(LabVectors.CTL));
        assertThat(coo.verify(impostor)).isEqualTo(Verification.BAD);
        // Flip one byte of a thing: the signature no longer covers it.
        byte[] tampered = coo.serialize();
        tampered[31] ^= 1;
        assertThat(CertificateOfOwnership.parse(tampered, 0, tampered.length).value().verify(known))
            .isEqualTo(Verification.BAD);
      }
    }
  }

  @Property(tries = 300)
  void garbageNeverThrows(@ForAll @Size(max = 300) byte[] bytes) {
    Parsed<NetworkConfig> p = NetworkConfig.parse(bytes);
    assertThat(p.isOk() || p.reason() != null).isTrue();
  }

  /** The request metadata a and b sent in NETWORK_CONFIG_REQUEST is exactly what we send. */
  @Test
  void configRequestMetadataIsByteIdenticalToZeroTierOnes() {
    byte[] ours = ConfigRequestMetadata.forThisNode("linux/x86_64").serialize();
    int seen = 0;
    for (String run : LabVectors.RUNS) {
      for (var pkt : LabVectors.packets(run)) {
        if (!"NETWORK_CONFIG_REQUEST".equals(pkt.get("verb"))) {
          continue;
        }
        Object dec = pkt.get("plaintext_after_verb_decompressed");
        byte[] payload = HEX.parseHex((String) (dec != null ? dec : pkt.get("plaintext_after_verb_wire")));
        int len = ((payload[8] & 0xFF) << 8) | (payload[9] & 0xFF);
        byte[] md = java.util.Arrays.copyOfRange(payload, 10, 10 + len);
        assertThat(md).as("metadata in " + pkt.get("packet_id")).isEqualTo(ours);
        ConfigRequestMetadata m = ConfigRequestMetadata.parse(md, 0, md.length).value();
        assertThat(m).isEqualTo(ConfigRequestMetadata.forThisNode("linux/x86_64"));
        seen++;
      }
    }
    assertThat(seen).isGreaterThanOrEqualTo(8);
  }
}
