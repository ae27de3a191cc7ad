package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.ControllerHook;
import io.zt4j.controller.api.AuthToken;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.FileStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.runtime.StateDirectory;
import io.zt4j.runtime.driver.TcpAcceptor;
import io.zt4j.runtime.driver.TcpConnection;
import io.zt4j.stack.socket.icmp.PingReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole controller path over real UDP on loopback: a private root, the controller as
 * {@code zt4j controller run} starts it ({@link ControllerDaemon}: records in files, HTTP API, its
 * own node) and two member nodes with user-space stacks. Members are denied, authorized through
 * the HTTP API and the CLI, configured by a pushed config (nothing polls), ping and talk TCP
 * through their stacks; a rule pushed through the API blocks one TCP port; deauthorization
 * through the API revokes the member, and its peer stops taking its frames at once.
 */
class ControllerNetworkIT {
  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private String apiBase;
  private String token;

  private JsonNode api(String method, String path, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(apiBase + path)).timeout(Duration.ofSeconds(20))
        .header("X-ZT1-Auth", token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return RecordJson.MAPPER.readTree(r.body());
  }

  private static VirtualNetworkConfig await(NodeRunner r, long nwid, Predicate<VirtualNetworkConfig> p, long millis,
      String what) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < deadline) {
      Optional<VirtualNetworkConfig> c = r.network(nwid);
      if (c.isPresent() && p.test(c.get())) {
        return c.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("timed out waiting for " + what + "; last " + r.network(nwid));
  }

  private static void awaitPushes(ControllerHook hook, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (hook.pushed() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(hook.pushed()).as("messages pushed by the controller").isGreaterThanOrEqualTo(atLeast);
  }

  private static InetAddress v4(VirtualNetworkConfig c) throws Exception {
    return InetAddress.getByAddress(c.ipv4Addresses().get(0).ip());
  }

  /** Echoes one line over a fresh TCP connection from {@code from} to {@code to}:{@code port}. */
  private static void talk(NodeRunner from, InetAddress to, TcpAcceptor server, int port) throws Exception {
    TcpConnection c = from.driver().connect(null, 0, to, port);
    c.awaitConnected(10_000);
    TcpConnection s = server.accept(10_000);
    byte[] msg = ("hello " + port).getBytes(StandardCharsets.UTF_8);
    c.write(msg, 0, msg.length);
    byte[] got = new byte[msg.length];
    int n = 0;
    while (n < got.length) {
      n += s.read(got, n, got.length - n, 10_000);
    }
    assertThat(got).isEqualTo(msg);
    c.close();
    s.close();
  }

  @Test
  void deniedAuthorizedConfiguredTalkingFilteredAndRevoked() throws Exception {
    int rootPort;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      rootPort = probe.getLocalPort();
    }
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
    Identity ctlId = Identity.generate(new SecureRandom());
    Path ctlHome = tmp.resolve("ctl");
    token = AuthToken.loadOrCreate(ctlHome);
    StringBuilder warnings = new StringBuilder();

    try (NodeRunner root = NodeRunner.start(new NodeRunner.Options().home(StateDirectory.open(rootHome))
            .name("it-root").allowLoopbackPaths(true).bind(new InetSocketAddress(lo, rootPort)));
        ControllerDaemon ctl = ControllerDaemon.start(ctlId, FileStore.open(ctlHome.resolve("controller.d")), token,
            new InetSocketAddress(lo, 0), new NodeRunner.Options().identity(ctlId).planet(planet).name("it-controller")
                .allowLoopbackPaths(true).bind(new InetSocketAddress(lo, 0)), warnings::append);
        NodeRunner a = NodeRunner.start(new NodeRunner.Options().planet(planet).name("it-a")
            .allowLoopbackPaths(true).bind(new InetSocketAddress(lo, 0)));
        NodeRunner b = NodeRunner.start(new NodeRunner.Options().planet(planet).name("it-b")
            .allowLoopbackPaths(true).bind(new InetSocketAddress(lo, 0)))) {
      apiBase = "http://127.0.0.1:" + ctl.api().port();
      ControllerHook hook = ctl.hook().orElseThrow();
      String ctlAddress = ctlId.address().toString();

      // A private network over the API (the "<address>______" form picks a random ID).
      JsonNode created = api("POST", "/controller/network/" + ctlAddress + "______", """
          {"name": "it", "private": true, "v4AssignMode": {"zt": true}, "v6AssignMode": {"rfc4193": true},
           "ipAssignmentPools": [{"ipRangeStart": "10.147.20.1", "ipRangeEnd": "10.147.20.254"}],
           "routes": [{"target": "10.147.20.0/24", "via": null}],
           "dns": {"domain": "it.lan", "servers": ["10.147.20.1"]}}""");
      String nwidHex = created.get("id").asText();
      long nwid = Long.parseUnsignedLong(nwidHex, 16);
      assertThat(nwidHex).startsWith(ctlAddress);
      assertThat(api("GET", "/controller/network", null).toString()).contains(nwidHex);

      for (NodeRunner n : new NodeRunner[] {ctl.node().orElseThrow(), a, b}) {
        assertThat(n.awaitOnline(Duration.ofSeconds(30))).isTrue();
      }
      a.join(nwid);
      b.join(nwid);
      await(a, nwid, c -> c.status() == NetworkStatus.ACCESS_DENIED, 30_000, "a denied");
      await(b, nwid, c -> c.status() == NetworkStatus.ACCESS_DENIED, 30_000, "b denied");
      String aAddr = a.address().toString();
      String bAddr = b.address().toString();
      assertThat(api("GET", "/controller/network/" + nwidHex + "/member", null).has(aAddr)).isTrue();

      // Authorize a through the HTTP API: its config is pushed at once (members that were denied
      // only ask again every 5 s).
      long pushedBefore = hook.pushed();
      long t0 = System.nanoTime();
      JsonNode am = api("POST", "/controller/network/" + nwidHex + "/member/" + aAddr, "{\"authorized\": true}");
      assertThat(am.get("authorized").asBoolean()).isTrue();
      awaitPushes(hook, pushedBefore + 1);
      VirtualNetworkConfig ca = await(a, nwid, c -> c.status() == NetworkStatus.OK, 10_000, "a OK");
      System.out.printf("authorization (HTTP) to config applied at the member: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

      // Authorize b with the CLI, as a person without curl would.
      StringWriter out = new StringWriter();
      var cli = Zt4jCommand.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(out, true));
      assertThat(cli.execute("controller", "member", "authorize", nwidHex, bAddr, "--name", "bee",
          "--home", ctlHome.toString(), "--url", apiBase)).as(out.toString()).isZero();
      VirtualNetworkConfig cb = await(b, nwid, c -> c.status() == NetworkStatus.OK, 10_000, "b OK");

      // The configs carry what the records say.
      JsonNode aRec = api("GET", "/controller/network/" + nwidHex + "/member/" + aAddr, null);
      assertThat(ca.name()).isEqualTo("it");
      assertThat(ca.ipv4Addresses()).extracting(x -> x.toIpString())
          .containsExactly(aRec.get("ipAssignments").get(0).asText());
      assertThat(ca.ipv4Addresses().get(0).port()).isEqualTo(24);
      assertThat(ca.ipv6Addresses()).extracting(x -> x.toIpString()).first().asString().startsWith("fd");
      assertThat(ca.routes()).isNotEmpty();
      assertThat(ca.dns().domain()).isEqualTo("it.lan");
      assertThat(v4(ca)).isNotEqualTo(v4(cb));
      assertThat(api("GET", "/controller/network/" + nwidHex + "/member/" + bAddr, null).get("name").asText())
          .isEqualTo("bee");

      // Frames flow: ping both ways through the user-space stacks, TCP on two ports.
      PingReply p1 = a.driver().ping(v4(cb), 56, 10_000);
      assertThat(p1.error()).as("a pings b").isNull();
      PingReply p2 = b.driver().ping(v4(ca), 56, 10_000);
      assertThat(p2.error()).as("b pings a").isNull();
      TcpAcceptor s7000 = b.driver().listen(v4(cb), 7000, 4);
      TcpAcceptor s7001 = b.driver().listen(v4(cb), 7001, 4);
      talk(a, v4(cb), s7000, 7000);
      talk(a, v4(cb), s7001, 7001);

      // A rule dropping TCP to port 7001, set through the API, is pushed and enforced.
      long rev = cb.revision();
      api("POST", "/controller/network/" + nwidHex, """
          {"rules": [{"type": "MATCH_IP_PROTOCOL", "not": false, "or": false, "ipProtocol": 6},
                     {"type": "MATCH_IP_DEST_PORT_RANGE", "not": false, "or": false, "start": 7001, "end": 7001},
                     {"type": "ACTION_DROP"},
                     {"type": "ACTION_ACCEPT"}]}""");
      await(a, nwid, c -> c.revision() > rev, 5_000, "a's pushed rules");
      await(b, nwid, c -> c.revision() > rev, 5_000, "b's pushed rules");
      talk(a, v4(cb), s7000, 7000);
      TcpConnection blocked = a.driver().connect(null, 0, v4(cb), 7001);
      assertThatThrownBy(() -> blocked.awaitConnected(3_000)).as("TCP to 7001 is dropped").isInstanceOf(IOException.class);
      blocked.close();
      assertThat(a.driver().ping(v4(cb), 56, 10_000).error()).as("ICMP still passes").isNull();

      // Deauthorize b through the API: the controller revokes b's membership at a at once, and a
      // takes no more frames from b (either way: a's pings get no answer from b).
      long pushedBeforeDeauth = hook.pushed();
      api("POST", "/controller/network/" + nwidHex + "/member/" + bAddr, "{\"authorized\": false}");
      awaitPushes(hook, pushedBeforeDeauth + 2); // a revocation to each online member
      long cutBy = System.nanoTime() + 10_000_000_000L;
      boolean cut = false;
      while (!cut && System.nanoTime() < cutBy) {
        cut = b.driver().ping(v4(ca), 56, 1_000).error() != null;
      }
      assertThat(cut).as("b's pings stop getting through once the revocation is in").isTrue();
      assertThat(b.driver().ping(v4(ca), 56, 2_000).error()).as("b's ping after deauthorization").isNotNull();
      assertThat(a.driver().ping(v4(cb), 56, 2_000).error()).as("a's ping to b after deauthorization").isNotNull();

      // Member and network deletion over the API.
      JsonNode deleted = api("DELETE", "/controller/network/" + nwidHex + "/member/" + bAddr, null);
      assertThat(deleted.get("address").asText()).isEqualTo(bAddr);
      assertThat(api("GET", "/controller/network/" + nwidHex + "/member", null).has(bAddr)).isFalse();
      api("DELETE", "/controller/network/" + nwidHex, null);
      assertThat(api("GET", "/controller/network", null).size()).isZero();
      assertThat(warnings).isEmpty();
    }
  }
}
