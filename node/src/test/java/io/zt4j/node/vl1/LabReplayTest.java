package io.zt4j.node.vl1;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.Node;
import io.zt4j.node.NodeConfig;
import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeHost;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.PacketArmor;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.Environment;
import io.zt4j.testkit.MiniJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the ZeroTier One lab captures into Java nodes: each lab node (root, controller, two
 * members) is played by a zt4j node with the same identity and planet, fed every datagram that
 * reached it, in capture order and time. Every packet must authenticate and parse, and every VL1
 * request must get the answer ZeroTier gives: OK(HELLO) for HELLO, OK(ECHO) for ECHO, OK(WHOIS)
 * with the identity for WHOIS, and the root must relay what was addressed to others.
 *
 * <p>The replayed node did not send the original requests, so before the replay it is told to
 * expect the OKs addressed to it (their in-re ids from the decoded capture) and it knows the other
 * lab nodes as peers, as the real one did by then.
 */
class LabReplayTest {
  static final HexFormat HEX = HexFormat.of();
  static final Map<String, String> UNDERLAY_V4 = Map.of("root", "10.99.0.1", "ctl", "10.99.0.2", "a", "10.99.0.11", "b", "10.99.0.12");
  static final Map<String, String> UNDERLAY_V6 = Map.of("root", "fd99::1", "ctl", "fd99::2", "a", "fd99::11", "b", "fd99::12");

  record Sent(long socket, InetAddress to, byte[] data, int ttl) {}

  static final class Host implements NodeHost {
    final Map<String, byte[]> state = new HashMap<>();
    final List<Sent> sent = new ArrayList<>();
    final List<NodeEvent> events = new ArrayList<>();

    @Override
    public boolean sendUdp(long localSocket, InetAddress remote, byte[] data, int offset, int length, int ttl) {
      sent.add(new Sent(localSocket, remote, Arrays.copyOfRange(data, offset, offset + length), ttl));
      return true;
    }

    @Override
    public void onEvent(NodeEvent event) {
      events.add(event);
    }

    @Override
    public Optional<byte[]> stateGet(StateObject type, long id) {
      return Optional.ofNullable(state.get(type.name()));
    }

    @Override
    public void statePut(StateObject type, long id, byte[] data) {
      if (type != StateObject.PEER) {
        state.put(type.name(), data.clone());
      }
    }

    @Override
    public void stateDelete(StateObject type, long id) {
      state.remove(type.name());
    }
  }

  static Stream<Arguments> runsAndNodes() {
    List<Arguments> out = new ArrayList<>();
    for (String run : new String[] {"dualstack", "ipv4only"}) {
      for (String node : new String[] {"root", "ctl", "a", "b"}) {
        out.add(Arguments.of(run, node));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("runsAndNodes")
  void everyPacketAuthenticatesParsesAndIsAnswered(String run, String name) throws IOException {
    Path vectors = Environment.vectors();
    Map<String, Identity> ids = new HashMap<>();
    for (String n : UNDERLAY_V4.keySet()) {
      ids.put(n, Identity.fromString(Files.readString(vectors.resolve("lab/ids/" + n + ".identity.secret")).strip()).orElseThrow());
    }
    Identity me = ids.get(name);
    World planet = World.parse(Files.readAllBytes(vectors.resolve("planet/planet"))).value();

    Host host = new Host();
    host.state.put(StateObject.IDENTITY_SECRET.name(), me.toString(true).getBytes(StandardCharsets.US_ASCII));
    Node node = Node.create(NodeConfig.builder(new SplittableRandom(1)).planet(planet).build(), host, 0);
    Vl1 vl1 = node.vl1();
    for (Identity other : ids.values()) {
      if (!other.equals(me)) {
        vl1.topology().addPeer(vl1.newPeer(other));
      }
    }

    // What the capture says arrived for this node (decoded independently of zt4j).
    List<Map<String, Object>> decoded = new ArrayList<>();
    for (String line : Files.readAllLines(vectors.resolve("lab/" + run + "/decoded/underlay.packets.jsonl"))) {
      if (!line.isBlank()) {
        decoded.add(MiniJson.object(line));
      }
    }
    String myAddr = me.address().toString();
    List<String> myV4 = List.of(UNDERLAY_V4.get(name));
    String myV6 = UNDERLAY_V6.get(name);
    List<Map<String, Object>> toMe = new ArrayList<>();
    List<Map<String, Object>> forOthersViaMe = new ArrayList<>();
    for (Map<String, Object> p : decoded) {
      String udpDst = ((String) p.get("udp_dst")).replace("[", "").replace("]", "");
      boolean atMe = myV4.contains(udpDst) || udpDst.equals(myV6);
      if (!atMe) {
        continue;
      }
      if (p.get("dest").equals(myAddr)) {
        toMe.add(p);
        if ("OK".equals(p.get("verb"))) {
          String hex = (String) p.getOrDefault("plaintext_after_verb_decompressed", p.get("plaintext_after_verb_wire"));
          byte[] plain = HEX.parseHex(hex == null ? (String) p.get("plaintext_after_verb_wire") : hex);
          long inRe = 0;
          for (int i = 1; i < 9; i++) {
            inRe = (inRe << 8) | (plain[i] & 0xff);
          }
          vl1.expectedReplies().expect(inRe);
        }
      } else {
        forOthersViaMe.add(p);
      }
    }

    // Replay every datagram that reached this node, in order, at capture time.
    long base = 1_795_672_394_000L;
    int socketV4 = 0;
    int socketV6 = 1;
    int fed = 0;
    for (LabPcap.Datagram d : LabPcap.read(vectors.resolve("lab/" + run + "/pcap/underlay.pcap"))) {
      String dst = d.to().toIpString();
      if (!(dst.equals(myV4.get(0)) || dst.equals(myV6))) {
        continue;
      }
      long now = base + d.micros() / 1000;
      node.processWirePacket(d.to().isV4() ? socketV4 : socketV6, d.from(), d.payload(), 0, d.payload().length, now);
      fed++;
    }
    assertThat(fed).isPositive();

    Vl1Counters.Snapshot c = node.counters();
    assertThat(c.drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).isZero();
    assertThat(c.drops(Vl1Counters.Drop.MALFORMED)).isZero();
    assertThat(c.drops(Vl1Counters.Drop.DECOMPRESSION_FAILED)).isZero();
    assertThat(c.drops(Vl1Counters.Drop.UNKNOWN_CIPHER)).isZero();
    assertThat(c.drops(Vl1Counters.Drop.BAD_FRAGMENT)).isZero();
    assertThat(c.drops(Vl1Counters.Drop.UNEXPECTED_REPLY)).isZero();
    assertThat(c.drops(Vl1Counters.Drop.INVALID_IDENTITY)).isZero();

    // Every packet for this node was accounted under its verb (rate limits aside).
    Map<Integer, Integer> expectedIn = new HashMap<>();
    for (Map<String, Object> p : toMe) {
      expectedIn.merge(Integer.parseInt((String) p.get("verb_byte"), 16) & 0x1f, 1, Integer::sum);
    }
    long rateLimited = c.drops(Vl1Counters.Drop.RATE_LIMITED);
    for (Map.Entry<Integer, Integer> e : expectedIn.entrySet()) {
      int verb = e.getKey();
      if (verb == Verbs.ECHO || verb == Verbs.WHOIS) {
        assertThat(c.in(verb) + rateLimited).as(Verbs.name(verb)).isGreaterThanOrEqualTo((long) e.getValue());
      } else {
        assertThat(c.in(verb)).as(Verbs.name(verb)).isEqualTo((long) e.getValue());
      }
    }

    // Answers: decrypt what we sent with the key we share with each recipient.
    Map<Long, PacketArmor> armors = new HashMap<>();
    for (Identity other : ids.values()) {
      if (!other.equals(me)) {
        armors.put(other.address().toLong(), new PacketArmor(me.agree(other).orElseThrow()));
      }
    }
    List<long[]> oks = new ArrayList<>(); // {inReVerb, inReId, destination}
    List<byte[]> okPayloads = new ArrayList<>();
    for (Sent s : host.sent) {
      byte[] b = s.data().clone();
      if (b.length < 28 || Address.toLong(b, 13) != me.address().toLong()) {
        continue;
      }
      PacketArmor armor = armors.get(Address.toLong(b, 8));
      if (armor == null || armor.dearmor(b, 0, b.length) != PacketArmor.Result.OK) {
        continue;
      }
      if ((b[27] & 0x1f) == Verbs.OK) {
        long inRe = 0;
        for (int i = 29; i < 37; i++) {
          inRe = (inRe << 8) | (b[i] & 0xff);
        }
        oks.add(new long[] {b[28] & 0xff, inRe, Address.toLong(b, 8)});
        okPayloads.add(Arrays.copyOfRange(b, 37, b.length));
      }
    }
    int hellos = 0;
    for (Map<String, Object> p : toMe) {
      String verb = (String) p.get("verb");
      long pid = Long.parseUnsignedLong((String) p.get("packet_id"), 16);
      long src = Long.parseLong((String) p.get("source"), 16);
      if ("HELLO".equals(verb)) {
        hellos++;
        assertThat(oks).as("OK(HELLO) for %s", p.get("summary"))
            .anyMatch(o -> o[0] == Verbs.HELLO && o[1] == pid && o[2] == src);
      } else if ("WHOIS".equals(verb)) {
        byte[] asked = HEX.parseHex((String) p.get("plaintext_after_verb_wire"));
        if (name.equals("root")) {
          int i = -1;
          for (int k = 0; k < oks.size(); k++) {
            if (oks.get(k)[0] == Verbs.WHOIS && oks.get(k)[1] == pid) {
              i = k;
            }
          }
          if (i >= 0) {
            Identity answered = Identity.deserialize(okPayloads.get(i), 0, okPayloads.get(i).length).orElseThrow().identity();
            assertThat(answered.address().toLong()).isEqualTo(Address.toLong(asked, 0));
          } else {
            assertThat(rateLimited).as("WHOIS %s unanswered", p.get("summary")).isPositive();
          }
        }
      } else if ("ECHO".equals(verb)) {
        boolean answered = oks.stream().anyMatch(o -> o[0] == Verbs.ECHO && o[1] == pid);
        assertThat(answered || rateLimited > 0).as("OK(ECHO) for %s", p.get("summary")).isTrue();
      }
    }
    assertThat(hellos).isPositive();

    // The root relays what reached it for others (each forwarded with one more hop).
    if (name.equals("root")) {
      assertThat(forOthersViaMe).isNotEmpty();
      assertThat(c.relayed()).isGreaterThanOrEqualTo(forOthersViaMe.size());
      for (Map<String, Object> p : forOthersViaMe) {
        byte[] raw = HEX.parseHex((String) p.get("raw"));
        boolean fragmented = Boolean.TRUE.equals(p.get("fragmented"));
        assertThat(host.sent).as("relay of %s", p.get("summary")).anyMatch(s -> s.data().length >= 28
            && Arrays.equals(s.data(), 0, 18, raw, 0, 18)
            && (s.data()[18] & 0x07) == ((raw[18] & 0x07) + 1)
            && (fragmented || s.data().length == raw.length));
      }
    } else {
      assertThat(forOthersViaMe).isEmpty();
    }
  }
}
