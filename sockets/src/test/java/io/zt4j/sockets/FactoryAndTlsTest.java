package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.B4;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** javax.net factories, and TLS layered on our sockets with SSLSocketFactory.createSocket(socket, …). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FactoryAndTlsTest {
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  @Test
  void factoriesMakeConnectedSockets() throws Exception {
    try (ServerSocket ss = new ZeroTierServerSocketFactory(net.b).createServerSocket(2000, 5)) {
      assertThat(ss).isInstanceOf(ZeroTierServerSocket.class);
      try (Socket c = new ZeroTierSocketFactory(net.a).createSocket("10.9.0.2", 2000); Socket s = ss.accept()) {
        assertThat(c).isInstanceOf(ZeroTierSocket.class);
        c.getOutputStream().write(5);
        assertThat(s.getInputStream().read()).isEqualTo(5);
      }
    }
  }

  @Test
  void tlsOverZeroTierSockets(@TempDir Path dir) throws Exception {
    Path ks = dir.resolve("ks.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "zt", "-dname", "CN=10.9.0.2",
        "-ext", "SAN=ip:10.9.0.2", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
        "-storepass", "secret", "-keypass", "secret").redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(ks)) {
      store.load(in, "secret".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "secret".toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 443, 5, null)) {
      CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
        try (Socket raw = ss.accept();
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), true)) {
          s.setUseClientMode(false);
          BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          String line = r.readLine();
          PrintWriter w = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
          w.println("secure " + line);
          return s.getSession().getProtocol();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Socket raw = new ZeroTierSocketFactory(net.a).createSocket(B4, 443);
      try (SSLSocket c = (SSLSocket) tls.getSocketFactory().createSocket(raw, "10.9.0.2", 443, true)) {
        var params = c.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        c.setSSLParameters(params);
        PrintWriter w = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8);
        w.println("hello");
        BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
        assertThat(r.readLine()).isEqualTo("secure hello");
        assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
      assertThat(server.get(30, TimeUnit.SECONDS)).isEqualTo("TLSv1.3");
    }
  }
}
