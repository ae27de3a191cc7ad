package io.zt4j.examples;

import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.net.SocketFactory;

/**
 * HTTP over a virtual network: a tiny HTTP/1.1 server on a {@link io.zt4j.sockets.ZeroTierServerSocket}
 * and a client that speaks HTTP through a {@link SocketFactory} — the way libraries that accept a
 * socket factory (HTTP clients, JDBC drivers…) are put on a ZeroTier network. (The JDK's own
 * {@code com.sun.net.httpserver} and {@code HttpURLConnection} cannot take our sockets, so this
 * example speaks the few lines of HTTP/1.1 it needs itself.)
 *
 * <pre>
 *   HttpExample serve &lt;state-dir&gt; &lt;network-id&gt; [planet-file]
 *   HttpExample get   &lt;state-dir&gt; &lt;network-id&gt; &lt;server-ip&gt; &lt;path&gt; [planet-file]
 * </pre>
 */
public final class HttpExample {
  /** The server's port. */
  public static final int PORT = 8080;

  private HttpExample() {}

  /**
   * A response.
   *
   * @param status the status code
   * @param headers header fields (names in lower case)
   * @param body the body as text (UTF-8)
   */
  public record Response(int status, Map<String, String> headers, String body) {}

  /** Runs the server or the client (see the class comment). */
  public static void main(String[] args) throws Exception {
    boolean serve = args[0].equals("serve");
    int planetArg = serve ? 3 : 5;
    ZeroTierNode.Builder builder = ZeroTierNode.builder().storage(Path.of(args[1]));
    if (args.length > planetArg) {
      builder.planet(Path.of(args[planetArg])).loopbackOnly().port(0); // a private planet on this machine
    }
    try (ZeroTierNode node = builder.build().start()) {
      node.join(args[2]);
      ZeroTierNetwork network = node.awaitNetworkReady(args[2], Duration.ofMinutes(2));
      if (serve) {
        System.out.println("serving http://" + network.ipv4().map(InetAddress::getHostAddress).orElse("?") + ":" + PORT + "/");
        try (ServerSocket server = node.serverSocket(PORT)) {
          serve(server, path -> path.equals("/") ? "hello from ZeroTier node " + node.nodeId() + "\n" : null);
        }
      } else {
        Response r = get(node.socketFactory(), InetAddress.getByName(args[3]), PORT, args[4]);
        System.out.println(r.status() + "\n" + r.body());
      }
    }
  }

  /**
   * Serves GET requests until {@code server} is closed, one connection at a time: {@code pages}
   * maps a path to its text, or to null for 404.
   */
  public static void serve(ServerSocket server, Function<String, String> pages) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        InputStream in = new BufferedInputStream(s.getInputStream());
        String requestLine = readLine(in);
        while (!readLine(in).isEmpty()) {
          // headers: nothing we need
        }
        String[] parts = requestLine.split(" ");
        String page = parts.length == 3 && parts[0].equals("GET") ? pages.apply(parts[1]) : null;
        int status = parts.length != 3 ? 400 : !parts[0].equals("GET") ? 405 : page == null ? 404 : 200;
        byte[] body = (page != null ? page : status + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + body.length + "\r\n"
            + "Connection: close\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        if (!server.isClosed()) {
          System.err.println("http: " + e.getMessage());
        }
      }
    }
  }

  /** GETs {@code path} from {@code host:port} over a socket from {@code sockets}. */
  public static Response get(SocketFactory sockets, InetAddress host, int port, String path) throws IOException {
    try (Socket s = sockets.createSocket()) {
      s.connect(new InetSocketAddress(host, port), 10_000);
      s.setSoTimeout(10_000);
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + host.getHostAddress() + ":" + port
          + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(s.getInputStream());
      String[] status = readLine(in).split(" ", 3);
      if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response: " + String.join(" ", status));
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line; !(line = readLine(in)).isEmpty(); ) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
      }
      byte[] body = headers.containsKey("content-length")
          ? in.readNBytes(Integer.parseInt(headers.get("content-length")))
          : in.readAllBytes();
      return new Response(Integer.parseInt(status[1]), headers, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      default -> "Method Not Allowed";
    };
  }

  /** One CRLF-terminated line (at most 8 KiB), without the line end. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("connection closed in the middle of a line");
      }
      if (line.size() > 8192) {
        throw new IOException("line too long");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
