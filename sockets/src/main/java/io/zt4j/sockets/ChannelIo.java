package io.zt4j.sockets;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Moves bytes between {@link ByteBuffer}s and the driver's byte-array calls: heap buffers
 * directly through their array, direct buffers through a scratch array of the channel (callers
 * hold the channel's read or write lock, so one scratch per direction is enough).
 */
final class ChannelIo {
  static final int SCRATCH_BYTES = 16 * 1024;

  /** A byte-array read or write: bytes moved, 0 none, -1 end of stream. */
  interface Op {
    int apply(byte[] b, int off, int len) throws IOException;
  }

  private byte[] scratch;

  /** Reads into {@code dst} with {@code op} (one call; the scratch bounds a direct buffer's share). */
  int read(ByteBuffer dst, Op op) throws IOException {
    int len = dst.remaining();
    if (len == 0) {
      return 0;
    }
    if (dst.hasArray()) {
      int n = op.apply(dst.array(), dst.arrayOffset() + dst.position(), len);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }
    byte[] s = scratch();
    int n = op.apply(s, 0, Math.min(len, s.length));
    if (n > 0) {
      dst.put(s, 0, n);
    }
    return n;
  }

  /** Writes from {@code src} with {@code op} (one call); the buffer advances by what was taken. */
  int write(ByteBuffer src, Op op) throws IOException {
    int len = src.remaining();
    if (len == 0) {
      return 0;
    }
    if (src.hasArray()) {
      int n = op.apply(src.array(), src.arrayOffset() + src.position(), len);
      if (n > 0) {
        src.position(src.position() + n);
      }
      return n;
    }
    byte[] s = scratch();
    int k = Math.min(len, s.length);
    src.get(src.position(), s, 0, k);
    int n = op.apply(s, 0, k);
    if (n > 0) {
      src.position(src.position() + n);
    }
    return n;
  }

  private byte[] scratch() {
    if (scratch == null) {
      scratch = new byte[SCRATCH_BYTES];
    }
    return scratch;
  }

  static void checkWritable(ByteBuffer dst) {
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("Read-only buffer");
    }
  }
}
