package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.ConfigIssuer;
import io.zt4j.controller.ControllerHook;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.FileStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.runtime.StateDirectory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member node joins a private network hosted by our controller, over real UDP on loopback
 * with a private root: denied first, authorized through the controller's records, then
 * configured with the address the controller assigned; deauthorization sends revocations.
 */
class ControllerJoinIT {
  @TempDir Path tmp;

  private static JsonNode json(String s) throws Exception {
    return RecordJson.MAPPER.readTree(s);
  }

  private static Optional<VirtualNetworkConfig> network(NodeRunner r, long nwid) {
    return r.call(n -> n.network(nwid));
  }

  private static VirtualNetworkConfig await(NodeRunner r, long nwid, Predicate<VirtualNetworkConfig> p, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      Optional<VirtualNetworkConfig> c = network(r, nwid);
      if (c.isPresent() && p.test(c.get())) {
        return c.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what + "; last " + network(r, nwid));
  }

  @Test
  void memberIsDeniedThenAuthorizedAndConfigured() throws Exception {
    int rootPort = 30000 + new SecureRandom().nextInt(20000);
    Path rootHome = tmp.resolve("root");
    StringWriter sink = new StringWriter();
    var cl = Zt4jCommand.commandLine();
    cl.setOut(new PrintWriter(sink, true));
    cl.setErr(new PrintWriter(sink, true));
    assertThat(cl.execute("root", "init", "--home", rootHome.toString(), "--endpoint", "127.0.0.1/" + rootPort))
        .as(sink.toString()).isZero();
    World planet = World.parse(Files.readAllBytes(rootHome.resolve("planet")), 0,
        (int) Files.size(rootHome.resolve("planet"))).value();
    InetAddress lo = InetAddress.getLoopbackAddress();

    try (NodeRunner root = NodeRunner.start(new NodeRunner.Options().home(StateDirectory.open(rootHome))
            .name("it-root").allowLoopbackPaths(true).bind(new InetSocketAddress(lo, rootPort)));
        NodeRunner ctlNode = NodeRunner.start(new NodeRunner.Options().identity(Identity.generate(new SecureRandom()))
            .planet(planet).name("it-controller").allowLoopbackPaths(true).bind(new InetSocketAddress(lo, 0)));
        NodeRunner member = NodeRunner.start(new NodeRunner.Options().planet(planet).name("it-member")
            .allowLoopbackPaths(true).bind(new InetSocketAddress(lo, 0)))) {
      Identity ctlId = ctlNode.call(n -> n.identity());
      NetworkController records = new NetworkController(ctlId.address().toLong(),
          FileStore.open(tmp.resolve("controller.d")), System::currentTimeMillis, new SecureRandom());
      ConfigIssuer issuer = new ConfigIssuer(records, ctlId);
      ControllerHook hook = ctlNode.call(n -> {
        ControllerHook h = new ControllerHook(issuer, n.vl2(), ctlNode::now);
        n.vl2().localController(h);
        return h;
      });
      long nwid = records.createNetwork(json("{\"name\":\"it\",\"v4AssignMode\":{\"zt\":true},"
          + "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.20.1\",\"ipRangeEnd\":\"10.147.20.254\"}],"
          + "\"routes\":[{\"target\":\"10.147.20.0/24\"}],\"v6AssignMode\":{\"rfc4193\":true}}")).id();
      assertThat(ctlNode.awaitOnline(java.time.Duration.ofSeconds(30))).isTrue();
      assertThat(member.awaitOnline(java.time.Duration.ofSeconds(30))).isTrue();

      member.call(n -> {
        n.join(nwid, member.now());
        return null;
      });
      await(member, nwid, c -> c.status() == NetworkStatus.ACCESS_DENIED, "ACCESS_DENIED");
      long memberAddress = member.address().toLong();
      assertThat(records.member(nwid, memberAddress)).isPresent();

      records.updateMember(nwid, memberAddress, json("{\"authorized\":true}"));
      assertThat(ctlNode.<Integer>call(n -> hook.flush()).intValue()).as("config pushed on authorization").isEqualTo(1);
      VirtualNetworkConfig ok = await(member, nwid, c -> c.status() == NetworkStatus.OK, "OK");
      Member m = records.member(nwid, memberAddress).orElseThrow();
      assertThat(m.ipAssignments()).hasSize(1);
      assertThat(ok.name()).isEqualTo("it");
      assertThat(ok.ipv4Addresses()).extracting(a -> a.toIpString()).containsExactly(m.ipAssignments().get(0).toIpString());
      assertThat(ok.ipv6Addresses()).extracting(a -> a.toIpString()).first().asString().startsWith("fd");

      records.updateNetwork(nwid, json("{\"name\":\"renamed\"}"));
      assertThat(ctlNode.<Integer>call(n -> hook.flush()).intValue()).isEqualTo(1);
      await(member, nwid, c -> c.name().equals("renamed"), "pushed rename");

      records.updateMember(nwid, memberAddress, json("{\"authorized\":false}"));
      assertThat(ctlNode.<Integer>call(n -> hook.flush()).intValue()).as("revocation to the online member").isEqualTo(1);
    }
  }
}
