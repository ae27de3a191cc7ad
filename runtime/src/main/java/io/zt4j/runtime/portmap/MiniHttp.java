package io.zt4j.runtime.portmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for UPnP (a GET for the device description, POSTs for SOAP), bounded
 * everywhere: one connection per request ({@code Connection: close}), no proxy, no redirects,
 * a deadline for the whole exchange, and at most {@code maxBody} body bytes (more is an
 * {@link Oversized} error, not a truncation). Bodies may come with Content-Length, chunked, or
 * until close.
 */
final class MiniHttp {
  /** Status line plus headers. */
  static final int MAX_HEADER_BYTES = 8 * 1024;

  /** A response. */
  record Response(int status, byte[] body) {}

  /** The response broke a size limit. */
  static final class Oversized extends IOException {
    Oversized(String what) {
      super(what);
    }
  }

  /** The response was not HTTP as expected. */
  static final class Malformed extends IOException {
    Malformed(String what) {
      super(what);
    }
  }

  private volatile Socket current;

  /**
   * Sends {@code method} to {@code url} (http only) with {@code body} (null for none) and
   * {@code extraHeaders} (CRLF-terminated lines), and reads the response within
   * {@code timeoutMillis}.
   */
  Response exchange(String method, URI url, String extraHeaders, byte[] body, int maxBody, int timeoutMillis)
      throws IOException {
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new Malformed("not an http URL: " + url);
    }
    int port = url.getPort() < 0 ? 80 : url.getPort();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    try (Socket s = new Socket()) {
      current = s;
      s.connect(new InetSocketAddress(url.getHost(), port), timeoutMillis);
      StringBuilder req = new StringBuilder();
      req.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: ").append(url.getHost()).append(':').append(port).append("\r\n")
          .append("Connection: close\r\n");
      if (body != null) {
        req.append("Content-Length: ").append(body.length).append("\r\n");
      }
      req.append(extraHeaders).append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(s, deadline, maxBody);
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException("no complete answer from " + url + " in " + timeoutMillis + " ms");
    } finally {
      current = null;
    }
  }

  /** Closes the connection in progress, if any (another thread). */
  void abort() {
    Socket s = current;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private static Response read(Socket s, long deadline, int maxBody) throws IOException {
    InputStream in = s.getInputStream();
    Reader r = new Reader(in, s, deadline);
    String status = r.line(MAX_HEADER_BYTES);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new Malformed("bad status line");
    }
    int code;
    try {
      code = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new Malformed("bad status code");
    }
    long contentLength = -1;
    boolean chunked = false;
    int headerBytes = status.length();
    for (String h; !(h = r.line(MAX_HEADER_BYTES)).isEmpty(); ) {
      headerBytes += h.length() + 2;
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new Oversized("headers over " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new Malformed("bad header line");
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          contentLength = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new Malformed("bad Content-Length");
        }
        if (contentLength < 0) {
          throw new Malformed("bad Content-Length");
        }
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      while (true) {
        String size = r.line(64);
        int semi = size.indexOf(';');
        long n;
        try {
          n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        } catch (NumberFormatException e) {
          throw new Malformed("bad chunk size");
        }
        if (n < 0 || body.size() + n > maxBody) {
          throw new Oversized("body over " + maxBody + " bytes");
        }
        if (n == 0) {
          break;
        }
        r.copy(body, (int) n);
        if (!r.line(2).isEmpty()) {
          throw new Malformed("bad chunk end");
        }
      }
    } else if (contentLength >= 0) {
      if (contentLength > maxBody) {
        throw new Oversized("body over " + maxBody + " bytes");
      }
      r.copy(body, (int) contentLength);
    } else {
      r.copyToEnd(body, maxBody);
    }
    return new Response(code, body.toByteArray());
  }

  /** Reads lines and bytes with the exchange's deadline applied to every read. */
  private static final class Reader {
    private final InputStream in;
    private final Socket socket;
    private final long deadline;
    private final byte[] buf = new byte[4096];
    private int pos;
    private int end;

    Reader(InputStream in, Socket socket, long deadline) {
      this.in = in;
      this.socket = socket;
      this.deadline = deadline;
    }

    private boolean fill() throws IOException {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException("deadline");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int n = in.read(buf);
      if (n <= 0) {
        return false;
      }
      pos = 0;
      end = n;
      return true;
    }

    /** A line without its CRLF (or LF); at most {@code max} bytes. */
    String line(int max) throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos == end && !fill()) {
          throw new Malformed("connection closed mid-line");
        }
        byte b = buf[pos++];
        if (b == '\n') {
          int len = sb.length();
          if (len > 0 && sb.charAt(len - 1) == '\r') {
            sb.setLength(len - 1);
          }
          return sb.toString();
        }
        if (sb.length() >= max) {
          throw new Oversized("line over " + max + " bytes");
        }
        sb.append((char) (b & 0xff));
      }
    }

    void copy(ByteArrayOutputStream out, int n) throws IOException {
      while (n > 0) {
        if (pos == end && !fill()) {
          throw new Malformed("connection closed mid-body");
        }
        int k = Math.min(n, end - pos);
        out.write(buf, pos, k);
        pos += k;
        n -= k;
      }
    }

    void copyToEnd(ByteArrayOutputStream out, int max) throws IOException {
      while (pos < end || fill()) {
        int k = end - pos;
        if (out.size() + k > max) {
          throw new Oversized("body over " + max + " bytes");
        }
        out.write(buf, pos, k);
        pos = end;
      }
    }
  }
}
