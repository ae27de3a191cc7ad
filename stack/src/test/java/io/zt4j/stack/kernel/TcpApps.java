package io.zt4j.stack.kernel;

import io.zt4j.stack.socket.tcp.TcpListener;
import io.zt4j.stack.socket.tcp.TcpSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small TCP applications that run on a {@link StackThread} (driven from its per-round hook), for
 * tests against the Linux kernel: an HTTP/1.0-ish server that serves {@code GET /bytes/N} from a
 * repeating pseudo-random {@link Body}, and a client that downloads a URL and hashes the body.
 * Everything here runs on the stack thread except the constructors and the volatile results.
 */
final class TcpApps {
  private final List<App> apps = new ArrayList<>();

  /** Something that makes progress whenever the stack thread comes around. */
  interface App {
    /** Moves what it can; returns false when finished (it is then dropped). */
    boolean pump(long nowNanos);
  }

  /** Registers {@code app}; call on the stack thread. */
  void add(App app) {
    apps.add(app);
  }

  /** The per-round hook: every app moves what it can. */
  void round(long nowNanos) {
    for (int i = 0; i < apps.size(); i++) {
      if (!apps.get(i).pump(nowNanos)) {
        apps.remove(i--);
      }
    }
  }

  /** A sender's counters, for printouts; call on the stack thread. */
  static String senderStats(TcpSocket s) {
    return s == null ? "-" : String.format("segments %d, retransmitted %d, RTO expiries %d, fast recoveries %d, "
        + "srtt %.1f ms", s.segmentsSent(), s.segmentsRetransmitted(), s.rtoExpiries(), s.fastRecoveries(),
        s.srttNanos() / 1e6);
  }

  static String sha256(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The content served and fetched: a seeded random block of a prime length repeated, so segment
   * boundaries never line up with the pattern and a misplaced byte changes the hash.
   */
  static final class Body {
    static final int PERIOD = 1_000_003;
    final byte[] block = new byte[PERIOD];

    Body(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < PERIOD; i += 8) {
        long v = r.nextLong();
        for (int k = 0; k < 8 && i + k < PERIOD; k++) {
          block[i + k] = (byte) (v >>> (8 * k));
        }
      }
    }

    /** SHA-256 of the first {@code length} bytes. */
    String sha256(long length) {
      MessageDigest d = newSha256();
      long left = length;
      while (left > 0) {
        int n = (int) Math.min(left, PERIOD);
        d.update(block, 0, n);
        left -= n;
      }
      return TcpApps.sha256(d);
    }

    /** Writes the first {@code length} bytes to a file. */
    void writeTo(java.nio.file.Path file, long length) throws java.io.IOException {
      try (var out = java.nio.file.Files.newOutputStream(file)) {
        long left = length;
        while (left > 0) {
          int n = (int) Math.min(left, PERIOD);
          out.write(block, 0, n);
          left -= n;
        }
      }
    }
  }

  /**
   * HTTP/1.0-ish server: reads a request line {@code GET /bytes/N}, answers with headers and N
   * bytes of the body, then closes gracefully (FIN after the data). Any other request gets a 404.
   */
  static final class HttpServer implements App {
    final TcpListener listener;
    final Body body;
    final List<Conn> conns = new ArrayList<>();
    volatile int served;
    /** The last connection served (read its counters on the stack thread). */
    volatile TcpSocket last;

    HttpServer(TcpListener listener, Body body) {
      this.listener = listener;
      this.body = body;
    }

    @Override
    public boolean pump(long nowNanos) {
      TcpSocket s;
      while ((s = listener.accept()) != null) {
        conns.add(new Conn(s));
      }
      for (int i = 0; i < conns.size(); i++) {
        if (!conns.get(i).pump(nowNanos)) {
          conns.remove(i--);
        }
      }
      return true;
    }

    final class Conn {
      final TcpSocket s;
      final StringBuilder request = new StringBuilder();
      final byte[] in = new byte[4096];
      byte[] header;
      int headerOff;
      long left = -1;
      long pos;

      Conn(TcpSocket s) {
        this.s = s;
      }

      boolean pump(long now) {
        if (header == null) {
          int n;
          while ((n = s.receive(in, 0, in.length, now)) > 0) {
            request.append(new String(in, 0, n, StandardCharsets.ISO_8859_1));
          }
          if (n == TcpSocket.FAILED) {
            return false;
          }
          int end = request.indexOf("\r\n\r\n");
          if (end < 0) {
            if (n == TcpSocket.EOF) {
              s.close(now);
              return false;
            }
            return true;
          }
          String line = request.substring(0, request.indexOf("\r\n"));
          String[] parts = line.split(" ");
          if (parts.length >= 2 && parts[0].equals("GET") && parts[1].startsWith("/bytes/")) {
            left = Long.parseLong(parts[1].substring("/bytes/".length()));
            header = ("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + left
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
          } else {
            left = 0;
            header = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
          }
        }
        while (headerOff < header.length) {
          int w = s.send(header, headerOff, header.length - headerOff, now);
          if (w <= 0) {
            return w == 0;
          }
          headerOff += w;
        }
        while (left > 0) {
          int at = (int) (pos % Body.PERIOD);
          int n = (int) Math.min(left, Body.PERIOD - at);
          int w = s.send(body.block, at, n, now);
          if (w <= 0) {
            return w == 0;
          }
          pos += w;
          left -= w;
        }
        // drain anything else the client sends, so close() is a FIN and not a reset
        while (s.receive(in, 0, in.length, now) > 0) {
          // ignore
        }
        last = s;
        s.close(now);
        served++;
        return false;
      }
    }
  }

  /** Downloads {@code path} from an HTTP/1.0 server and hashes the body. */
  static final class HttpClient implements App {
    final TcpSocket s;
    final byte[] request;
    final MessageDigest digest = newSha256();
    final byte[] in = new byte[64 * 1024];
    final StringBuilder head = new StringBuilder();
    int requestOff;
    boolean inBody;
    volatile long bodyBytes;
    volatile long contentLength = -1;
    volatile String status;
    volatile String sha256;
    volatile boolean done;
    volatile String failure;

    HttpClient(TcpSocket s, String host, String path) {
      this.s = s;
      this.request = ("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: zt4j-test\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean pump(long now) {
      if (s.error() != io.zt4j.stack.socket.tcp.TcpError.NONE) {
        failure = s.error().toString();
        done = true;
        return false;
      }
      while (requestOff < request.length) {
        int w = s.send(request, requestOff, request.length - requestOff, now);
        if (w < 0) {
          failure = "send " + w;
          done = true;
          return false;
        }
        if (w == 0) {
          return true;
        }
        requestOff += w;
      }
      int n;
      while ((n = s.receive(in, 0, in.length, now)) > 0) {
        int off = 0;
        if (!inBody) {
          head.append(new String(in, 0, n, StandardCharsets.ISO_8859_1));
          int end = head.indexOf("\r\n\r\n");
          if (end < 0) {
            continue;
          }
          String h = head.substring(0, end);
          status = h.substring(0, h.indexOf("\r\n") < 0 ? h.length() : h.indexOf("\r\n"));
          for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
              contentLength = Long.parseLong(line.substring(15).trim());
            }
          }
          inBody = true;
          // the body starts after the blank line within this read
          off = n - (head.length() - (end + 4));
        }
        digest.update(in, off, n - off);
        bodyBytes += n - off;
      }
      if (n == TcpSocket.EOF) {
        sha256 = TcpApps.sha256(digest);
        s.close(now);
        done = true;
        return false;
      }
      if (n == TcpSocket.FAILED) {
        failure = s.error().toString();
        done = true;
        return false;
      }
      return true;
    }
  }
}
