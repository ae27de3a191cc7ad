package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.controller.NetworkController;
import io.zt4j.controller.api.ApiServer;
import io.zt4j.controller.api.AuthToken;
import io.zt4j.controller.api.ControllerApi;
import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import io.zt4j.controller.store.FileStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code zt4j controller} client commands against a controller API on loopback. */
class ControllerCliTest {
  private static final long ADDRESS = 0x2b53dd2a51L;

  @TempDir Path home;
  private NetworkController controller;
  private ApiServer server;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    String token = AuthToken.loadOrCreate(home);
    controller = new NetworkController(ADDRESS, FileStore.open(home.resolve("controller.d")),
        System::currentTimeMillis, new Random(5));
    server = ApiServer.start(new ControllerApi(controller, token), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int zt4j(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    var cl = Zt4jCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--home";
    all[args.length + 1] = home.toString();
    all[args.length + 2] = "--api-port";
    all[args.length + 3] = Integer.toString(server.port());
    return cl.execute(all);
  }

  @Test
  void createAuthorizeListDeauthorizeDelete() {
    assertThat(zt4j("controller", "network", "create", "--name", "office", "--ipv4", "10.147.17.0/24", "--rfc4193"))
        .as(err.toString()).isZero();
    String nwid = out.toString().strip();
    assertThat(nwid).matches("2b53dd2a51[0-9a-f]{6}");
    Network n = controller.network(Long.parseUnsignedLong(nwid, 16)).orElseThrow();
    assertThat(n.name()).isEqualTo("office");
    assertThat(n.privateNetwork()).isTrue();
    assertThat(n.v4AssignZt()).isTrue();
    assertThat(n.v6AssignRfc4193()).isTrue();
    assertThat(n.routes().get(0).target()).hasToString("10.147.17.0/24");
    assertThat(n.ipAssignmentPools().get(0).start().toIpString()).isEqualTo("10.147.17.1");
    assertThat(n.ipAssignmentPools().get(0).end().toIpString()).isEqualTo("10.147.17.254");

    assertThat(zt4j("controller", "network", "list")).isZero();
    assertThat(out.toString()).contains(nwid).contains("private").contains("0/0").contains("office");

    assertThat(zt4j("controller", "member", "authorize", nwid, "d5f97e2e50", "--name", "laptop")).isZero();
    Member m = controller.member(Long.parseUnsignedLong(nwid, 16), 0xd5f97e2e50L).orElseThrow();
    assertThat(m.authorized()).isTrue();
    assertThat(m.name()).isEqualTo("laptop");
    assertThat(zt4j("controller", "member", "list", nwid)).isZero();
    assertThat(out.toString()).contains("d5f97e2e50").contains("yes").contains("laptop");

    assertThat(zt4j("controller", "member", "deauthorize", nwid, "d5f97e2e50")).isZero();
    assertThat(controller.member(Long.parseUnsignedLong(nwid, 16), 0xd5f97e2e50L).orElseThrow().authorized()).isFalse();

    assertThat(zt4j("controller", "network", "set", nwid, "{\"mtu\":1400}")).isZero();
    assertThat(out.toString()).contains("\"mtu\" : 1400");
    assertThat(zt4j("controller", "member", "delete", nwid, "d5f97e2e50")).isZero();
    assertThat(zt4j("controller", "network", "delete", nwid)).isZero();
    assertThat(controller.networkIds()).isEmpty();
  }

  @Test
  void errorsAreOneLineWithTheControllersReason() {
    assertThat(zt4j("controller", "network", "set", "2b53dd2a51000001", "{\"routes\":[{\"target\":\"x\"}]}")).isEqualTo(1);
    assertThat(err.toString()).startsWith("zt4j: HTTP 400: routes[0].target").hasLineCount(1);
    assertThat(zt4j("controller", "network", "show", "2b53dd2a51000002")).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 404");
    assertThat(zt4j("controller", "member", "show", "nothex", "d5f97e2e50")).isEqualTo(1);
    assertThat(err.toString()).startsWith("zt4j: not a 16-digit network ID: nothex");
    assertThat(zt4j("controller", "status", "--token", "wrong")).isEqualTo(1);
    assertThat(err.toString()).contains("401");
  }
}
