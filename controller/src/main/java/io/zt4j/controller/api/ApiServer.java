package io.zt4j.controller.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@link ControllerApi} over HTTP with the JDK's built-in server. Binds to the
 * loopback address unless told otherwise, like ZeroTier One's local API. Request bodies larger
 * than {@link #MAX_BODY} are refused with 413.
 *
 * <p>Owns two request threads; {@link #close()} stops them.
 */
public final class ApiServer implements AutoCloseable {
  /** Largest request body accepted. */
  public static final int MAX_BODY = 8 << 20;

  private final HttpServer server;
  private final ExecutorService executor;

  private ApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving {@code api} on {@code 127.0.0.1:port} (0: any free port). */
  public static ApiServer start(ControllerApi api, int port) throws IOException {
    return start(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** Starts serving {@code api} on {@code bind}. */
  public static ApiServer start(ControllerApi api, InetSocketAddress bind) throws IOException {
    HttpServer s = HttpServer.create(bind, 16);
    ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "zt4j-controller-api");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(ex);
    s.createContext("/", exchange -> serve(api, exchange));
    s.start();
    return new ApiServer(s, ex);
  }

  /** The address actually bound. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void serve(ControllerApi api, HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = readBody(ex.getRequestBody());
      ApiResponse r;
      if (body == null) {
        r = ControllerApi.error(413, "request body larger than " + MAX_BODY + " bytes");
      } else {
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> {
          if (!v.isEmpty()) {
            headers.put(k.toLowerCase(Locale.ROOT), v.get(0));
          }
        });
        r = api.handle(new ApiRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
            query(ex.getRequestURI().getRawQuery()), headers, body));
      }
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
      ex.sendResponseHeaders(r.status(), head ? -1 : (r.body().length == 0 ? -1 : r.body().length));
      if (!head && r.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY + 1);
    return b.length > MAX_BODY ? null : b;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        q.putIfAbsent(k, v);
      } catch (IllegalArgumentException e) {
        // a malformed %-escape: the parameter is ignored
      }
    }
    return q;
  }
}
