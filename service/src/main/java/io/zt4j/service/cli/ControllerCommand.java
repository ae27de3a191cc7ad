package io.zt4j.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zt4j.controller.api.ApiServer;
import io.zt4j.controller.api.AuthToken;
import io.zt4j.controller.model.Ids;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.net.IpAddress;
import io.zt4j.controller.store.FileStore;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.runtime.StateDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zt4j controller}: run a network controller, and manage its networks and members
 * through its local HTTP API (the same API ZeroTier One's controller serves).
 */
@Command(
    name = "controller",
    description = "Run a ZeroTier network controller, or manage its networks and members.",
    subcommands = {
      ControllerCommand.Run.class,
      ControllerCommand.Status.class,
      ControllerCommand.NetworkCmd.class,
      ControllerCommand.MemberCmd.class
    })
final class ControllerCommand implements Runnable {
  static final Path DEFAULT_HOME = Paths.get(System.getProperty("user.home"), ".zt4j", "controller");
  static final int DEFAULT_API_PORT = 9993;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the controller keeps its state, and how clients reach its API. */
  static final class Target {
    @Option(names = "--home", paramLabel = "DIR", description = "Controller home (identity, authtoken.secret, controller.d). Default: ~/.zt4j/controller")
    Path home = DEFAULT_HOME;

    @Option(names = "--api-port", paramLabel = "PORT", description = "Local HTTP API port (default 9993).")
    int apiPort = DEFAULT_API_PORT;
  }

  /** How a client command reaches a running controller. */
  static final class Client {
    @Mixin Target target = new Target();

    @Option(names = "--url", paramLabel = "URL", description = "API base URL (default http://127.0.0.1:<api-port>).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: read <home>/authtoken.secret).")
    String token;

    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
      String base = url != null ? url.replaceAll("/+$", "") : "http://127.0.0.1:" + target.apiPort;
      String t = token;
      if (t == null) {
        Path f = target.home.resolve(AuthToken.FILE);
        if (!Files.exists(f)) {
          throw new IOException("no API token: " + f + " does not exist (start the controller, or pass --token)");
        }
        t = Files.readString(f, StandardCharsets.UTF_8).strip();
      }
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(30))
          .header("X-ZT1-Auth", t)
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpResponse<String> r;
      try {
        r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException e) {
        throw new IOException("no controller answers at " + base + " (is `zt4j controller run` running?)", e);
      }
      JsonNode j = r.body().isBlank() ? RecordJson.MAPPER.createObjectNode() : RecordJson.MAPPER.readTree(r.body());
      if (r.statusCode() == 401) {
        throw new IOException("the controller refused the API token (401)");
      }
      if (r.statusCode() != 200) {
        String why = j.has("description") ? j.get("description").asText() : r.body();
        throw new IOException("HTTP " + r.statusCode() + ": " + why);
      }
      return j;
    }
  }

  static void printJson(PrintWriter out, JsonNode j) throws IOException {
    out.println(RecordJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(j));
    out.flush();
  }

  static String networkId(String s) {
    if (!Ids.isNetworkId(s)) {
      throw new IllegalArgumentException("not a 16-digit network ID: " + s);
    }
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  static String address(String s) {
    if (!Ids.isAddress(s)) {
      throw new IllegalArgumentException("not a 10-digit ZeroTier address: " + s);
    }
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  // ------------------------------------------------------------------------------------ run

  @Command(name = "run", description = "Run the controller until stopped: its ZeroTier node (answering members), its records, its HTTP API on 127.0.0.1.")
  static final class Run implements java.util.concurrent.Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--api-bind", paramLabel = "ADDR", description = "Address the API listens on (default 127.0.0.1; anything else exposes it).")
    String apiBind;

    @Option(names = "--port", paramLabel = "PORT", description = "UDP port of the controller's node (default 9993).")
    int port = 9993;

    @Option(names = "--bind", paramLabel = "IP/PORT",
        description = "Bind the node's UDP here (repeatable; port 0 = any). Default: every interface address, port --port.")
    java.util.List<String> bind = new java.util.ArrayList<>();

    @Option(names = "--planet", paramLabel = "FILE", description = "Private planet to use (copied into the home).")
    Path planet;

    @Option(names = "--no-node", description = "Run the records and the API only, without the ZeroTier node.")
    boolean noNode;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      StateDirectory state = StateDirectory.open(target.home);
      Identity id = loadOrCreateIdentity(state, out);
      String token = AuthToken.loadOrCreate(target.home);
      FileStore store = FileStore.open(target.home.resolve("controller.d"));
      for (String w : store.warnings()) {
        spec.commandLine().getErr().println("zt4j: warning: " + w);
      }
      InetAddress apiAddress = apiBind == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(apiBind);
      NodeRunner.Options o = null;
      if (!noNode) {
        if (planet != null) {
          io.zt4j.node.wire.World world = NodeCli.readPlanet(state, planet);
          state.write(StateObject.PLANET, world.id(), world.serialize());
        }
        java.util.List<InetSocketAddress> addrs = NodeCli.bindAddresses(bind, port);
        o = new NodeRunner.Options().home(state).name("zt4j-controller")
            .allowLoopbackPaths(NodeCli.allLoopback(addrs)).listener(e -> NodeCli.printEvent(out, e));
        addrs.forEach(o::bind);
      }
      PrintWriter err = spec.commandLine().getErr();
      try (ControllerDaemon d = ControllerDaemon.start(id, store, token, new InetSocketAddress(apiAddress, target.apiPort),
          o, w -> err.println("zt4j: warning: " + w))) {
        ApiServer server = d.api();
        out.println("controller " + id.address() + " (networks " + id.address() + "xxxxxx)");
        out.println("api        http://" + server.address().getAddress().getHostAddress() + ":" + server.port()
            + "/controller  (token in " + target.home.resolve(AuthToken.FILE) + ")");
        out.println("records    " + target.home.resolve("controller.d"));
        out.println("networks   " + d.records().networkIds().size());
        if (noNode) {
          err.println("zt4j: note: --no-node: members' config requests are not answered");
        } else {
          NodeRunner r = d.node().orElseThrow();
          out.println("node       " + r.address() + " listening on " + r.localAddresses().stream().map(NodeCommand::format).toList());
        }
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    }

    private static Identity loadOrCreateIdentity(StateDirectory state, PrintWriter out) {
      var stored = state.read(StateObject.IDENTITY_SECRET, 0);
      if (stored.isPresent()) {
        String text = new String(stored.get(), StandardCharsets.US_ASCII).strip();
        Identity id = Identity.fromString(text)
            .filter(Identity::hasPrivateKey)
            .orElseThrow(() -> new IllegalStateException(state.fileOf(StateObject.IDENTITY_SECRET, 0) + " is not a secret identity"));
        return id;
      }
      out.println("generating identity (a few seconds)...");
      out.flush();
      Identity id = Identity.generate(new SecureRandom());
      state.write(StateObject.IDENTITY_SECRET, id.address().toLong(), id.toString(true).getBytes(StandardCharsets.US_ASCII));
      state.write(StateObject.IDENTITY_PUBLIC, id.address().toLong(), id.toString(false).getBytes(StandardCharsets.US_ASCII));
      return id;
    }
  }

  // ------------------------------------------------------------------------------------ status

  @Command(name = "status", description = "Show the running controller's status.")
  static final class Status implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      printJson(spec.commandLine().getOut(), client.call("GET", "/controller", null));
      return 0;
    }
  }

  // ------------------------------------------------------------------------------------ networks

  @Command(name = "network", description = "List, create, show, change and delete networks.",
      subcommands = {NetworkList.class, NetworkCreate.class, NetworkShow.class, NetworkSet.class, NetworkDelete.class})
  static final class NetworkCmd implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(name = "list", description = "List networks: id, name, members (authorized/total).")
  static final class NetworkList implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode all = client.call("GET", "/unstable/controller/network", null);
      out.printf("%-16s  %-8s  %-9s  %s%n", "NETWORK", "TYPE", "MEMBERS", "NAME");
      for (JsonNode n : all.get("data")) {
        out.printf("%-16s  %-8s  %-9s  %s%n", n.get("id").asText(), n.get("private").asBoolean() ? "private" : "public",
            n.get("meta").get("authorizedMemberCount").asLong() + "/" + n.get("meta").get("totalMemberCount").asLong(),
            n.get("name").asText());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "create", description = "Create a network with a random ID under this controller and print it.")
  static final class NetworkCreate implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;

    @Option(names = "--name", description = "Network name.")
    String name;

    @Option(names = "--public", description = "Let anyone join without authorization.")
    boolean isPublic;

    @Option(names = "--ipv4", paramLabel = "CIDR", description = "Managed IPv4 subnet, e.g. 10.147.17.0/24: adds the route, a pool of its host addresses, and automatic assignment.")
    String ipv4;

    @Option(names = "--rfc4193", description = "Give every member its RFC 4193 IPv6 address.")
    boolean rfc4193;

    @Option(names = "--6plane", description = "Give every member its 6PLANE IPv6 /80.")
    boolean sixPlane;

    @Option(names = "--json", paramLabel = "JSON", description = "More settings as a JSON object (ZeroTier's network schema).")
    String json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = json == null ? RecordJson.MAPPER.createObjectNode() : (ObjectNode) RecordJson.MAPPER.readTree(json);
      if (name != null) {
        body.put("name", name);
      }
      if (isPublic) {
        body.put("private", false);
      }
      if (ipv4 != null) {
        applyIpv4(body, ipv4);
      }
      if (rfc4193 || sixPlane) {
        ObjectNode v6 = body.putObject("v6AssignMode");
        v6.put("rfc4193", rfc4193);
        v6.put("6plane", sixPlane);
        v6.put("zt", false);
      }
      JsonNode created = client.call("POST", "/controller/network", RecordJson.text(body));
      spec.commandLine().getOut().println(created.get("id").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }

    static void applyIpv4(ObjectNode body, String cidr) {
      IpAddress net = IpAddress.parse(cidr).filter(IpAddress::isV4).filter(a -> a.port() >= 1 && a.port() <= 30)
          .orElseThrow(() -> new IllegalArgumentException("--ipv4 needs an IPv4 subnet like 10.147.17.0/24, got " + cidr));
      long bits = net.port();
      long mask = (0xffffffffL << (32 - bits)) & 0xffffffffL;
      long base = net.v4Value() & mask;
      long last = base | (~mask & 0xffffffffL);
      body.putArray("routes").addObject().put("target", IpAddress.ipv4(base, (int) bits).toString()).putNull("via");
      body.putArray("ipAssignmentPools").addObject()
          .put("ipRangeStart", IpAddress.ipv4(base + 1, 0).toIpString())
          .put("ipRangeEnd", IpAddress.ipv4(last - 1, 0).toIpString());
      body.putObject("v4AssignMode").put("zt", true);
    }
  }

  @Command(name = "show", description = "Print a network's JSON.")
  static final class NetworkShow implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      printJson(spec.commandLine().getOut(), client.call("GET", "/controller/network/" + networkId(nwid), null));
      return 0;
    }
  }

  @Command(name = "set", description = "Change a network: POST a JSON object (ZeroTier's network schema) to it.")
  static final class NetworkSet implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @Parameters(index = "1", paramLabel = "JSON") String json;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      printJson(spec.commandLine().getOut(), client.call("POST", "/controller/network/" + networkId(nwid), json));
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a network and all its members.")
  static final class NetworkDelete implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      client.call("DELETE", "/controller/network/" + networkId(nwid), null);
      spec.commandLine().getOut().println("deleted " + nwid);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  // ------------------------------------------------------------------------------------ members

  @Command(name = "member", description = "List, show, authorize, deauthorize, change and delete members.",
      subcommands = {MemberList.class, MemberShow.class, MemberAuthorize.class, MemberDeauthorize.class,
          MemberSet.class, MemberDelete.class})
  static final class MemberCmd implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(name = "list", description = "List a network's members: address, authorized, IPs, name.")
  static final class MemberList implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode all = client.call("GET", "/unstable/controller/network/" + networkId(nwid) + "/member", null);
      out.printf("%-10s  %-10s  %-30s  %s%n", "MEMBER", "AUTHORIZED", "IPS", "NAME");
      for (JsonNode m : all.get("data")) {
        StringBuilder ips = new StringBuilder();
        m.get("ipAssignments").forEach(ip -> ips.append(ips.length() == 0 ? "" : ",").append(ip.asText()));
        out.printf("%-10s  %-10s  %-30s  %s%n", m.get("id").asText(), m.get("authorized").asBoolean() ? "yes" : "no",
            ips.length() == 0 ? "-" : ips, m.has("name") ? m.get("name").asText() : "");
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", description = "Print a member's JSON.")
  static final class MemberShow implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @Parameters(index = "1", paramLabel = "MEMBER") String member;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      printJson(spec.commandLine().getOut(),
          client.call("GET", "/controller/network/" + networkId(nwid) + "/member/" + address(member), null));
      return 0;
    }
  }

  @Command(name = "authorize", description = "Authorize a member (it gets its config within seconds).")
  static final class MemberAuthorize implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @Parameters(index = "1", paramLabel = "MEMBER") String member;
    @Option(names = "--name", description = "Also set the member's name.") String name;
    @Option(names = "--ip", paramLabel = "IP", description = "Assign these IPs instead of automatic ones.") String[] ips;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = RecordJson.MAPPER.createObjectNode().put("authorized", true);
      if (name != null) {
        body.put("name", name);
      }
      if (ips != null) {
        var a = body.putArray("ipAssignments");
        for (String ip : ips) {
          a.add(ip);
        }
      }
      JsonNode m = client.call("POST", "/controller/network/" + networkId(nwid) + "/member/" + address(member), RecordJson.text(body));
      spec.commandLine().getOut().println("authorized " + m.get("id").asText() + " on " + m.get("nwid").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "deauthorize", description = "Deauthorize a member (its certificate is revoked at once).")
  static final class MemberDeauthorize implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @Parameters(index = "1", paramLabel = "MEMBER") String member;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode m = client.call("POST", "/controller/network/" + networkId(nwid) + "/member/" + address(member), "{\"authorized\":false}");
      spec.commandLine().getOut().println("deauthorized " + m.get("id").asText() + " on " + m.get("nwid").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "set", description = "Change a member: POST a JSON object (ZeroTier's member schema) to it.")
  static final class MemberSet implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @Parameters(index = "1", paramLabel = "MEMBER") String member;
    @Parameters(index = "2", paramLabel = "JSON") String json;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      printJson(spec.commandLine().getOut(),
          client.call("POST", "/controller/network/" + networkId(nwid) + "/member/" + address(member), json));
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a member record.")
  static final class MemberDelete implements java.util.concurrent.Callable<Integer> {
    @Mixin Client client;
    @Parameters(index = "0", paramLabel = "NETWORK") String nwid;
    @Parameters(index = "1", paramLabel = "MEMBER") String member;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      client.call("DELETE", "/controller/network/" + networkId(nwid) + "/member/" + address(member), null);
      spec.commandLine().getOut().println("deleted " + member + " from " + nwid);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
