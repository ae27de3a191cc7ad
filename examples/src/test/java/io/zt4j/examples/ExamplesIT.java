package io.zt4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.service.demo.PrivateNetwork;
import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import io.zt4j.sockets.ZeroTierServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The examples between two nodes of a private network run in this JVM (root and controller on 127.0.0.1). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExamplesIT {
  static PrivateNetwork net;
  static ZeroTierNode server;
  static InetAddress serverIp;
  @TempDir Path tmp;

  @BeforeAll
  static void network() throws Exception {
    net = PrivateNetwork.start(Duration.ofSeconds(30));
    server = net.member("examples-server").build().start();
    net.authorize(server.nodeId());
    server.join(net.networkId());
    ZeroTierNetwork n = server.awaitNetworkReady(net.networkId(), Duration.ofSeconds(30));
    serverIp = n.ipv4().orElseThrow();
  }

  @AfterAll
  static void stop() {
    server.close();
    net.close();
  }

  @Test
  void quickStartAndTheEchoClientTalkToTheEchoServer() throws Exception {
    try (ZeroTierServerSocket ss = server.serverSocket(EchoServer.PORT)) {
      Thread t = new Thread(() -> EchoServer.serve(ss), "echo-server");
      t.start();
      // QuickStart as the README shows it, with a state directory, on the private planet
      String identity = ZeroTierNode.generateIdentity();
      Path home = tmp.resolve("quickstart");
      Files.createDirectories(home);
      Files.writeString(home.resolve("identity.secret"), identity);
      net.authorize(identity.substring(0, 10));
      Path planet = tmp.resolve("planet");
      Files.write(planet, net.planetBytes());
      String reply = QuickStart.run(ZeroTierNode.builder().storage(home).planet(planet).loopbackOnly().port(0),
          net.networkIdString(), serverIp);
      assertThat(reply).isEqualTo("hello over ZeroTier");

      try (ZeroTierNode client = net.member("examples-client").build().start()) {
        net.authorize(client.nodeId());
        client.join(net.networkId());
        client.awaitNetworkReady(net.networkId(), Duration.ofSeconds(30));
        assertThat(EchoClient.echo(client, serverIp, "ping 1")).isEqualTo("ping 1");
        assertThat(EchoClient.echo(client, serverIp, "ping 2")).isEqualTo("ping 2");
      }
      ss.close();
      t.join(10_000);
      assertThat(t.isAlive()).as("serve returns when the server socket closes").isFalse();
    }
  }

  @Test
  void httpOverTheVirtualNetwork() throws Exception {
    try (ZeroTierServerSocket ss = server.serverSocket(HttpExample.PORT);
        ZeroTierNode client = net.member("http-client").build().start()) {
      Thread t = new Thread(() -> HttpExample.serve(ss, p -> p.equals("/") ? "hello from " + server.nodeId() : null),
          "http-server");
      t.start();
      net.authorize(client.nodeId());
      client.join(net.networkId());
      client.awaitNetworkReady(net.networkId(), Duration.ofSeconds(30));
      HttpExample.Response ok = HttpExample.get(client.socketFactory(), serverIp, HttpExample.PORT, "/");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("hello from " + server.nodeId());
      assertThat(ok.headers()).containsEntry("content-type", "text/plain; charset=utf-8");
      HttpExample.Response missing = HttpExample.get(client.socketFactory(), serverIp, HttpExample.PORT, "/nope");
      assertThat(missing.status()).isEqualTo(404);
      ss.close();
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }
  }

  @Test
  void theNioEchoServerServesEchoClientsAndManyNonBlockingConnections() throws Exception {
    java.nio.channels.spi.SelectorProvider nio = server.selectorProvider();
    try (java.nio.channels.Selector selector = nio.openSelector();
        java.nio.channels.ServerSocketChannel ss = nio.openServerSocketChannel()
            .bind(new java.net.InetSocketAddress(EchoServer.PORT + 1000));
        ZeroTierNode client = net.member("nio-client").build().start()) {
      Thread t = new Thread(() -> {
        try {
          NioEchoServer.serve(selector, ss);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, "nio-echo-server");
      t.start();
      net.authorize(client.nodeId());
      client.join(net.networkId());
      client.awaitNetworkReady(net.networkId(), Duration.ofSeconds(30));
      try (java.net.Socket s = client.socket(serverIp, EchoServer.PORT + 1000)) {
        s.getOutputStream().write("nio echo\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
            java.nio.charset.StandardCharsets.UTF_8)).readLine()).isEqualTo("nio echo");
      }
      io.zt4j.testkit.nio.NioEcho.Result r = io.zt4j.testkit.nio.NioEcho.load(client.selectorProvider(),
          new java.net.InetSocketAddress(serverIp, EchoServer.PORT + 1000), 50, 5, 3000, 60_000);
      assertThat(r.requests()).isEqualTo(250);
      selector.close();
      t.join(10_000);
      assertThat(t.isAlive()).as("serve returns when the selector closes").isFalse();
    }
  }
}
