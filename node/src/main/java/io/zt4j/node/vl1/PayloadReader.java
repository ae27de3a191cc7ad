package io.zt4j.node.vl1;

import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;

/**
 * Bounds-checked reading of a verb payload (untrusted, already authenticated and decrypted).
 * Reading past the end throws {@link Truncated}, which the inbound dispatcher catches and counts
 * as a malformed packet; it never leaves the VL1 layer.
 *
 * <p>Not thread-safe; a reader lives for one packet.
 */
public final class PayloadReader {
  /** Thrown when a field runs past the payload; caught where the packet entered. */
  public static final class Truncated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Truncated(String what) {
      super(what, null, false, false);
    }
  }

  private final byte[] buf;
  private final int end;
  private int pos;

  /** Reads {@code buf[offset, offset+length)}. */
  public PayloadReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("range outside buffer");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  public int remaining() {
    return end - pos;
  }

  public boolean hasRemaining() {
    return pos < end;
  }

  /** Absolute position in the underlying buffer. */
  public int position() {
    return pos;
  }

  public byte[] buffer() {
    return buf;
  }

  private void need(int n, String what) {
    if (n < 0 || end - pos < n) {
      throw new Truncated(what);
    }
  }

  public int u8() {
    need(1, "u8");
    return buf[pos++] & 0xFF;
  }

  public int u16() {
    need(2, "u16");
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  public long u32() {
    need(4, "u32");
    long v = ((long) (buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
        | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  public long u64() {
    need(8, "u64");
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  /** A 40-bit address as a long. */
  public long address() {
    need(Address.LENGTH, "address");
    long v = Address.toLong(buf, pos);
    pos += Address.LENGTH;
    return v;
  }

  public byte[] bytes(int n) {
    need(n, "bytes");
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  public void skip(int n) {
    need(n, "skip");
    pos += n;
  }

  /** A serialized InetAddress (ZeroTier's type-prefixed form). */
  public InetAddress inetAddress() {
    Parsed<InetAddress> p = InetAddress.parse(buf, pos, end - pos);
    if (!p.isOk()) {
      throw new Truncated("InetAddress: " + p.reason());
    }
    pos += p.length();
    return p.value();
  }

  /** A serialized identity (public, or with its private part if present). */
  public Identity identity() {
    Identity.Decoded d = Identity.deserialize(buf, pos, end - pos)
        .orElseThrow(() -> new Truncated("identity"));
    pos += d.length();
    return d.identity();
  }
}
