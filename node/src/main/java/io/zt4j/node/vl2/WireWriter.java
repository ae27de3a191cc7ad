package io.zt4j.node.vl2;

import io.zt4j.node.identity.Address;
import java.util.Arrays;

/** A growable big-endian byte sink for the serialized forms in this package. Not thread-safe. */
final class WireWriter {
  private byte[] buf;
  private int size;

  WireWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int n) {
    if (buf.length - size < n) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }

  int size() {
    return size;
  }

  WireWriter u8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  WireWriter u16(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  WireWriter u32(long v) {
    ensure(4);
    for (int i = 3; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  WireWriter u64(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  WireWriter address(long a) {
    ensure(Address.LENGTH);
    Address.write(a & 0xFF_FFFF_FFFFL, buf, size);
    size += Address.LENGTH;
    return this;
  }

  WireWriter bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  WireWriter bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
    return this;
  }

  /** {@code n} zero bytes. */
  WireWriter zeros(int n) {
    ensure(n);
    Arrays.fill(buf, size, size + n, (byte) 0);
    size += n;
    return this;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
