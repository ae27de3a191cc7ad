package io.zt4j.node.vl2;

import io.zt4j.node.identity.Address;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import java.util.Arrays;

/**
 * A bounds-checked big-endian cursor over untrusted bytes {@code buf[pos, end)}. Reading past
 * {@code end} throws {@link Refused}, a stackless exception that the parse method which created
 * the reader catches and turns into a drop ({@link Refused#toParsed()}); it never leaves this
 * package. Not thread-safe.
 */
final class WireReader {

  /** Thrown when input is refused (truncated or malformed); caught at the parse entry point. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final DropReason reason;

    Refused(DropReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    DropReason reason() {
      return reason;
    }

    <T> Parsed<T> toParsed(String what) {
      return Parsed.dropped(reason, what + ": " + getMessage());
    }
  }

  /** Refuses the input being parsed. */
  static Refused refuse(DropReason reason, String detail) {
    return new Refused(reason, detail);
  }

  private final byte[] buf;
  private final int start;
  private final int end;
  private int pos;

  WireReader(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new IllegalArgumentException("range outside the buffer");
    }
    this.buf = buf;
    this.start = off;
    this.pos = off;
    this.end = off + len;
  }

  /** Bytes consumed since the start. */
  int consumed() {
    return pos - start;
  }

  int remaining() {
    return end - pos;
  }

  int position() {
    return pos;
  }

  byte[] buffer() {
    return buf;
  }

  int end() {
    return end;
  }

  private void need(int n, String what) {
    if (n < 0 || end - pos < n) {
      throw new Refused(DropReason.TRUNCATED, what + " needs " + n + " bytes, " + (end - pos) + " left");
    }
  }

  void skip(int n, String what) {
    need(n, what);
    pos += n;
  }

  int u8(String what) {
    need(1, what);
    return buf[pos++] & 0xFF;
  }

  int u16(String what) {
    need(2, what);
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  long u32(String what) {
    need(4, what);
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFF);
    }
    pos += 4;
    return v;
  }

  long u64(String what) {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFFL);
    }
    pos += 8;
    return v;
  }

  /** A 40-bit ZeroTier address. */
  long address(String what) {
    need(Address.LENGTH, what);
    long v = Address.toLong(buf, pos);
    pos += Address.LENGTH;
    return v;
  }

  byte[] bytes(int n, String what) {
    need(n, what);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /** A serialized {@link InetAddress}; a bad one refuses the input with its parser's reason. */
  InetAddress inet(String what) {
    Parsed<InetAddress> a = InetAddress.parse(buf, pos, end - pos);
    if (a instanceof Parsed.Dropped<InetAddress> d) {
      throw new Refused(d.reason(), what + ": " + d.detail());
    }
    pos += a.length();
    return a.value();
  }
}
