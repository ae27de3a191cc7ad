package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.Node;
import io.zt4j.node.NodeConfig;
import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeHost;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl1.LabPcap;
import io.zt4j.node.vl1.Vl1TestAccess;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.Environment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replays the ZeroTier One lab captures into a Java node playing member a or b: same identity,
 * same planet, joined to the lab network, fed every datagram that reached the real member at its
 * capture time. It must see what the ZeroTier One member saw — access denied by the ZeroTier One
 * controller, then its config (stored byte for byte as ZeroTier One stored it) — and hand its
 * tap every frame the other ZeroTier One member sent it, unicast and multicast.
 */
class Vl2LabReplayTest {
  static final HexFormat HEX = HexFormat.of();
  static final Map<String, String> V4 = Map.of("a", "10.99.0.11", "b", "10.99.0.12");
  static final Map<String, String> V6 = Map.of("a", "fd99::11", "b", "fd99::12");

  static final class Host implements NodeHost {
    final Map<String, byte[]> state = new HashMap<>();
    final List<NetworkStatus> statuses = new ArrayList<>();
    final List<byte[]> frames = new ArrayList<>();
    final List<Integer> etherTypes = new ArrayList<>();

    @Override
    public boolean sendUdp(long localSocket, InetAddress remote, byte[] data, int offset, int length, int ttl) {
      return true;
    }

    @Override
    public void deliverFrame(long networkId, MAC source, MAC destination, int etherType, int vlanId, byte[] data,
        int offset, int length) {
      frames.add(Arrays.copyOfRange(data, offset, offset + length));
      etherTypes.add(etherType);
    }

    @Override
    public void onNetworkUpdate(long networkId, NetworkOperation op, VirtualNetworkConfig config) {
      if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != config.status()) {
        statuses.add(config.status());
      }
    }

    @Override
    public void onEvent(NodeEvent event) {}

    @Override
    public Optional<byte[]> stateGet(StateObject type, long id) {
      return Optional.ofNullable(state.get(type + "/" + Long.toHexString(id)));
    }

    @Override
    public void statePut(StateObject type, long id, byte[] data) {
      state.put(type + "/" + Long.toHexString(id), data.clone());
    }

    @Override
    public void stateDelete(StateObject type, long id) {
      state.remove(type + "/" + Long.toHexString(id));
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"dualstack, a", "dualstack, b", "ipv4only, a", "ipv4only, b"})
  void aJavaMemberSeesWhatTheZeroTierOneMemberSaw(String run, String name) throws Exception {
    Identity me = LabVectors.identity(name);
    World planet = World.parse(LabVectors.read(Environment.vectorFile("planet/planet"))).value();
    Host host = new Host();
    host.state.put(StateObject.IDENTITY_SECRET + "/0", me.toString(true).getBytes(StandardCharsets.US_ASCII));

    List<Map<String, Object>> toMe = new ArrayList<>();
    String myAddr = me.address().toString();
    for (Map<String, Object> p : LabVectors.packets(run)) {
      String dst = ((String) p.get("udp_dst")).replace("[", "").replace("]", "");
      if ((dst.equals(V4.get(name)) || dst.equals(V6.get(name))) && myAddr.equals(p.get("dest"))) {
        toMe.add(p);
      }
    }
    List<LabPcap.Datagram> datagrams = new ArrayList<>();
    for (LabPcap.Datagram d : LabPcap.read(LabVectors.run(run).resolve("pcap/underlay.pcap"))) {
      String dst = d.to().toIpString();
      if (dst.equals(V4.get(name)) || dst.equals(V6.get(name))) {
        datagrams.add(d);
      }
    }
    long base = 1_795_672_394_000L;
    long start = base + datagrams.get(0).micros() / 1000 - 1;
    Node node = Node.create(NodeConfig.builder(new SplittableRandom(1)).planet(planet).build(), host, start);
    // The replayed node did not send the original requests: OKs to them are expected.
    for (Map<String, Object> p : toMe) {
      if ("OK".equals(p.get("verb"))) {
        byte[] plain = HEX.parseHex((String) p.getOrDefault("plaintext_after_verb_decompressed",
            p.get("plaintext_after_verb_wire")));
        long inRe = 0;
        for (int i = 1; i < 9; i++) {
          inRe = (inRe << 8) | (plain[i] & 0xff);
        }
        Vl1TestAccess.expectReply(node.vl1(), inRe);
      }
    }
    node.join(LabVectors.NWID, start);

    for (LabPcap.Datagram d : datagrams) {
      long now = base + d.micros() / 1000;
      while (node.nextDeadline() <= now) {
        node.processBackgroundTasks(node.nextDeadline());
      }
      node.processWirePacket(d.to().isV4() ? 0 : 1, d.from(), d.payload(), 0, d.payload().length, now);
    }

    // Denied by the ZeroTier One controller, then configured by it.
    assertThat(host.statuses).containsSubsequence(NetworkStatus.REQUESTING_CONFIGURATION,
        NetworkStatus.ACCESS_DENIED, NetworkStatus.OK);
    VirtualNetworkConfig c = node.network(LabVectors.NWID).orElseThrow();
    assertThat(c.status()).isEqualTo(NetworkStatus.OK);
    assertThat(c.name()).isEqualTo("ztlab");
    assertThat(c.mtu()).isEqualTo(2800);
    byte[] stored = host.state.get(StateObject.NETWORK_CONFIG + "/" + Long.toHexString(LabVectors.NWID));
    byte[] zeroTierStored = LabVectors.read(LabVectors.run(run).resolve(
        "state/" + name + "/networks.d/2b53dd2a51a1b2c3.conf"));
    assertThat(stored).as("networks.d/<nwid>.conf as ZeroTier One stored it").isEqualTo(zeroTierStored);

    // Every frame the other member sent us reached our tap.
    List<byte[]> sentToUs = new ArrayList<>();
    for (Map<String, Object> p : toMe) {
      String verb = (String) p.get("verb");
      byte[] payload = HEX.parseHex((String) p.getOrDefault("plaintext_after_verb_decompressed",
          p.get("plaintext_after_verb_wire")));
      if ("FRAME".equals(verb)) {
        Vl2Packets.Frame f = Vl2Packets.Frame.parse(payload, 0, payload.length).value();
        sentToUs.add(Arrays.copyOfRange(payload, f.offset(), f.offset() + f.length()));
      } else if ("MULTICAST_FRAME".equals(verb)) {
        Vl2Packets.MulticastFrame f = Vl2Packets.MulticastFrame.parse(payload, 0, payload.length).value();
        sentToUs.add(Arrays.copyOfRange(payload, f.offset(), f.offset() + f.length()));
      }
    }
    assertThat(sentToUs).isNotEmpty();
    for (byte[] f : sentToUs) {
      assertThat(host.frames).as("frame of %d bytes delivered", f.length).anyMatch(x -> Arrays.equals(x, f));
    }
    assertThat(node.vl2().drops()).doesNotContainKeys(Vl2.Drop.MALFORMED, Vl2.Drop.BAD_CONFIG,
        Vl2.Drop.BAD_CONFIG_CHUNK, Vl2.Drop.BAD_CONFIG_SIGNATURE, Vl2.Drop.CREDENTIAL_REJECTED);
  }
}
