package io.zt4j.stack.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian (network order) loads and stores on {@code byte[]}. Callers check bounds first (the
 * views do it once on wrap); out-of-range indices throw {@link IndexOutOfBoundsException}, which is
 * a programming error, never an input error. Stateless and thread-safe.
 */
public final class Bytes {
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Bytes() {}

  public static int u8(byte[] b, int off) {
    return b[off] & 0xFF;
  }

  public static int u16(byte[] b, int off) {
    return (short) SHORT.get(b, off) & 0xFFFF;
  }

  public static int i32(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  public static long u32(byte[] b, int off) {
    return ((int) INT.get(b, off)) & 0xFFFF_FFFFL;
  }

  public static long i64(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  /** 48-bit big-endian value (a MAC address) in the low bits of a long. */
  public static long u48(byte[] b, int off) {
    return ((long) u16(b, off) << 32) | u32(b, off + 2);
  }

  public static void put8(byte[] b, int off, int v) {
    b[off] = (byte) v;
  }

  public static void put16(byte[] b, int off, int v) {
    SHORT.set(b, off, (short) v);
  }

  public static void put32(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  public static void put64(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  public static void put48(byte[] b, int off, long v) {
    put16(b, off, (int) (v >>> 32));
    put32(b, off + 2, (int) v);
  }
}
