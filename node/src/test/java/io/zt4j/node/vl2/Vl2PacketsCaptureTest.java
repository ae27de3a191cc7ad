package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.Vl2Packets.ExtFrame;
import io.zt4j.node.vl2.Vl2Packets.Frame;
import io.zt4j.node.vl2.Vl2Packets.Like;
import io.zt4j.node.vl2.Vl2Packets.MulticastFrame;
import io.zt4j.node.vl2.Vl2Packets.MulticastFrameOk;
import io.zt4j.node.vl2.Vl2Packets.MulticastGather;
import io.zt4j.node.vl2.Vl2Packets.MulticastGatherOk;
import io.zt4j.node.vl2.Vl2Packets.NetworkCredentials;
import io.zt4j.node.vl2.Vl2Packets.NetworkError;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.node.wire.Parsed;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Every VL2 packet ZeroTier One 1.14.1 exchanged in the lab captures decodes (whole payload
 * consumed, fields as the capture summary states) and re-encodes to the same bytes.
 */
class Vl2PacketsCaptureTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int VERB_OK = 0x03;
  private static final int VERB_ERROR = 0x02;

  static byte[] payload(Map<String, Object> pkt) {
    Object dec = pkt.get("plaintext_after_verb_decompressed");
    return HEX.parseHex((String) (dec != null ? dec : pkt.get("plaintext_after_verb_wire")));
  }

  @Test
  void everyVl2PacketDecodesAndReencodes() {
    Map<String, Integer> seen = new TreeMap<>();
    Identity ctl = LabVectors.identity("ctl").withoutPrivateKey();
    for (String run : LabVectors.RUNS) {
      for (Map<String, Object> pkt : LabVectors.packets(run)) {
        String verb = (String) pkt.get("verb");
        byte[] p = payload(pkt);
        String what = run + " " + pkt.get("packet_id") + " " + verb + ": " + pkt.get("summary");
        String summary = (String) pkt.get("summary");
        switch (verb) {
          case "FRAME" -> {
            Frame f = Frame.parse(p, 0, p.length).value();
            assertThat(f.networkId()).as(what).isEqualTo(LabVectors.NWID);
            assertThat(Frame.serialize(f.networkId(), f.etherType(), f.data(), f.offset(), f.length())).isEqualTo(p);
            String kind = switch (f.etherType()) {
              case 0x0800 -> "IPv4";
              case 0x0806 -> "ARP";
              case 0x86dd -> "IPv6";
              default -> "?";
            };
            assertThat(summary).as(what).startsWith("FRAME nwid 2b53dd2a51a1b2c3 " + kind);
          }
          case "EXT_FRAME" -> {
            ExtFrame f = ExtFrame.parse(p, 0, p.length).value();
            assertThat(ExtFrame.serialize(f.networkId(), f.flags(), f.destination(), f.source(), f.etherType(),
                f.data(), f.offset(), f.length())).as(what).isEqualTo(p);
          }
          case "MULTICAST_LIKE" -> {
            List<Like> likes = Vl2Packets.MulticastLike.parse(p, 0, p.length).value();
            assertThat(likes).as(what).isNotEmpty();
            for (Like l : likes) {
              assertThat(summary).as(what).contains(String.format("%016x", l.networkId()) + "/" + l.group());
            }
            assertThat(Vl2Packets.MulticastLike.serialize(likes)).isEqualTo(p);
          }
          case "NETWORK_CREDENTIALS" -> {
            Parsed<NetworkCredentials> c = NetworkCredentials.parse(p, 0, p.length);
            assertThat(c.isOk()).as(what + " " + c).isTrue();
            assertThat(c.length()).as(what).isEqualTo(p.length);
            assertThat(c.value().serialize()).as(what).isEqualTo(p);
            for (var com : c.value().coms()) {
              assertThat(com.verify(ctl)).as(what).isTrue();
            }
            for (var coo : c.value().certificatesOfOwnership()) {
              assertThat(coo.verify(ctl)).as(what).isTrue();
            }
            assertThat(c.value().coms().size() + c.value().certificatesOfOwnership().size()).isPositive();
          }
          case "NETWORK_CONFIG_REQUEST" -> {
            var r = Vl2Packets.ConfigRequest.parse(p, 0, p.length).value();
            assertThat(r.networkId()).isEqualTo(LabVectors.NWID);
            assertThat(r.serialize()).as(what).isEqualTo(p);
            assertThat(ConfigRequestMetadata.fromDictionary(r.metadata()))
                .isEqualTo(ConfigRequestMetadata.forThisNode("linux/x86_64"));
          }
          case "MULTICAST_GATHER" -> {
            MulticastGather g = MulticastGather.parse(p, 0, p.length).value();
            assertThat(summary).as(what).contains("group " + g.group() + " limit " + g.gatherLimit());
            assertThat(g.com().verify(ctl)).isTrue();
            assertThat(g.serialize()).as(what).isEqualTo(p);
          }
          case "NETWORK_CONFIG" -> {
            NetworkConfigChunk c = NetworkConfigChunk.parse(p, 0, p.length).value();
            assertThat(c.verify(ctl)).as(what).isTrue();
            assertThat(c.serialize()).as(what).isEqualTo(p);
          }
          case "MULTICAST_FRAME" -> {
            MulticastFrame f = MulticastFrame.parse(p, 0, p.length).value();
            assertThat(f.group().mac().isMulticast()).as(what).isTrue();
            assertThat(MulticastFrame.serialize(f.networkId(), f.flags(), f.gatherLimit(), f.source(), f.group(),
                f.etherType(), f.data(), f.offset(), f.length())).as(what).isEqualTo(p);
          }
          case "OK" -> {
            int inRe = p[0] & 0xFF;
            byte[] rest = Arrays.copyOfRange(p, 9, p.length);
            if (inRe == 0x0b) {
              NetworkConfigChunk c = NetworkConfigChunk.parse(rest, 0, rest.length).value();
              assertThat(c.verify(ctl)).as(what).isTrue();
              assertThat(c.serialize()).as(what).isEqualTo(rest);
              verb = "OK(NETWORK_CONFIG_REQUEST)";
            } else if (inRe == 0x0d) {
              MulticastGatherOk ok = MulticastGatherOk.parse(rest, 0, rest.length).value();
              assertThat(ok.serialize()).as(what).isEqualTo(rest);
              verb = "OK(MULTICAST_GATHER)";
            } else if (inRe == 0x0e) {
              MulticastFrameOk ok = MulticastFrameOk.parse(rest, 0, rest.length).value();
              assertThat(ok.serialize()).as(what).isEqualTo(rest);
              verb = "OK(MULTICAST_FRAME)";
            } else {
              continue;
            }
          }
          case "ERROR" -> {
            int inRe = p[0] & 0xFF;
            int code = p[9] & 0xFF;
            if (inRe < 0x06 || inRe == 0x08) {
              continue; // VL1 errors
            }
            NetworkError e = NetworkError.parse(code, p, 10, p.length - 10).value();
            assertThat(e.networkId()).as(what).isEqualTo(LabVectors.NWID);
            assertThat(e.serialize()).as(what).isEqualTo(Arrays.copyOfRange(p, 10, p.length));
            verb = "ERROR " + code;
          }
          default -> {
            continue;
          }
        }
        seen.merge(verb, 1, Integer::sum);
      }
    }
    assertThat(seen).containsKeys("FRAME", "MULTICAST_LIKE", "NETWORK_CREDENTIALS", "NETWORK_CONFIG_REQUEST",
        "MULTICAST_GATHER", "MULTICAST_FRAME", "ERROR 6", "ERROR 7", "NETWORK_CONFIG", "OK(NETWORK_CONFIG_REQUEST)",
        "OK(MULTICAST_GATHER)");
    assertThat(seen.get("FRAME")).isGreaterThan(200);
  }

  @Test
  void labArpRequestsTravelAsMulticastToTheArpAdiGroup() {
    int arp = 0;
    for (Map<String, Object> pkt : LabVectors.packets("dualstack")) {
      if (!"MULTICAST_FRAME".equals(pkt.get("verb"))) {
        continue;
      }
      byte[] p = payload(pkt);
      MulticastFrame f = MulticastFrame.parse(p, 0, p.length).value();
      if (f.etherType() == 0x0806) {
        // ZeroTier turns an ARP request for 10.147.17.x into group ff:ff:ff:ff:ff:ff / 0a9311xx.
        byte[] targetIp = Arrays.copyOfRange(f.data(), f.offset() + 24, f.offset() + 28);
        assertThat(f.group()).isEqualTo(MulticastGroup.forAddressResolution(
            io.zt4j.node.wire.InetAddress.of(targetIp, 0)));
        assertThat(f.group().mac()).isEqualTo(MAC.BROADCAST);
        arp++;
      }
    }
    assertThat(arp).isPositive();
  }

  @Property(tries = 300)
  void parsersNeverThrow(@ForAll @Size(max = 200) byte[] b) {
    List<Parsed<?>> all = List.of(Frame.parse(b, 0, b.length), ExtFrame.parse(b, 0, b.length),
        Vl2Packets.MulticastLike.parse(b, 0, b.length), NetworkCredentials.parse(b, 0, b.length),
        Vl2Packets.ConfigRequest.parse(b, 0, b.length), MulticastGather.parse(b, 0, b.length),
        MulticastGatherOk.parse(b, 0, b.length), MulticastFrame.parse(b, 0, b.length),
        MulticastFrameOk.parse(b, 0, b.length), NetworkError.parse(9, b, 0, b.length));
    for (Parsed<?> p : all) {
      assertThat(p.isOk() ? p.length() <= b.length : p.reason() != null).isTrue();
    }
  }
}
