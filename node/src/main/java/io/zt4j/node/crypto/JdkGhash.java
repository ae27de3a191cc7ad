package io.zt4j.node.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * GHASH by the JDK's own implementation class {@code com.sun.crypto.provider.GHASH} (SunJCE), called
 * directly: the same PCLMULQDQ intrinsic the JDK's AES-GCM uses, but without a {@code Cipher.init},
 * a new GCM engine and a buffered copy of the AAD per message — nothing is allocated per message.
 *
 * <p>The class is internal to {@code java.base}; it is reachable only when that module opens the
 * package to zt4j: {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} on the command
 * line, or {@code Add-Opens: java.base/com.sun.crypto.provider} in the manifest of the application's
 * executable JAR. The members used ({@code GHASH(byte[])}, {@code update(byte[], int, int)} over
 * whole blocks, the {@code long[2]} field {@code state}) are the same in JDK 17 and 25; whether
 * they are there and compute GHASH is checked once, against {@link Ghash}, before {@link #AVAILABLE}
 * says yes. Otherwise callers use the public GCM API ({@link AesGmacSiv.GmacEngine#JDK_GCM}).
 *
 * <p>Constant time: the JDK's GHASH is a carry-less multiply (PCLMULQDQ) in compiled code and a
 * masked bitwise multiply in its Java fallback; neither indexes memory by secret data.
 *
 * <p>Not thread-safe: one running hash per instance.
 */
final class JdkGhash {
  private static final MethodHandle NEW;
  private static final MethodHandle UPDATE;
  private static final VarHandle STATE;
  /** Whether the JDK's GHASH can be used in this JVM (see the class documentation). */
  static final boolean AVAILABLE;
  /** Why not, when {@link #AVAILABLE} is false; otherwise null. */
  static final String UNAVAILABLE_REASON;

  static {
    MethodHandle newHandle = null;
    MethodHandle updateHandle = null;
    VarHandle stateHandle = null;
    String reason;
    try {
      Class<?> c = Class.forName("com.sun.crypto.provider.GHASH");
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
      newHandle = lookup.findConstructor(c, MethodType.methodType(void.class, byte[].class))
          .asType(MethodType.methodType(Object.class, byte[].class));
      updateHandle = lookup.findVirtual(c, "update",
              MethodType.methodType(int.class, byte[].class, int.class, int.class))
          .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class));
      stateHandle = lookup.findVarHandle(c, "state", long[].class);
      reason = selfTest(newHandle, updateHandle, stateHandle);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      reason = e.toString();
    }
    AVAILABLE = reason == null;
    UNAVAILABLE_REASON = reason;
    NEW = AVAILABLE ? newHandle : null;
    UPDATE = AVAILABLE ? updateHandle : null;
    STATE = AVAILABLE ? stateHandle : null;
  }

  private final Object ghash;
  private final long[] state;

  /** For the hash key {@code h[hOffset, +16)} (in AES-GCM: AES_K(0^128)). */
  JdkGhash(byte[] h, int hOffset) {
    if (!AVAILABLE) {
      throw new IllegalStateException("the JDK's GHASH is not accessible: " + UNAVAILABLE_REASON);
    }
    Objects.checkFromIndexSize(hOffset, 16, h.length);
    byte[] key = new byte[16];
    System.arraycopy(h, hOffset, key, 0, 16);
    try {
      ghash = (Object) NEW.invokeExact(key);
    } catch (Throwable t) {
      throw new IllegalStateException("the JDK's GHASH failed", t);
    }
    state = (long[]) STATE.get(ghash);
  }

  /** Starts a new hash (Y = 0). */
  void reset() {
    state[0] = 0;
    state[1] = 0;
  }

  /** Absorbs {@code len} bytes, a multiple of 16 (whole blocks; the caller pads). */
  void update(byte[] in, int off, int len) {
    if ((len & 15) != 0) {
      throw new IllegalArgumentException("not whole blocks: " + len);
    }
    if (len == 0) {
      return;
    }
    Objects.checkFromIndexSize(off, len, in.length);
    try {
      int unused = (int) UPDATE.invokeExact(ghash, in, off, len);
    } catch (Throwable t) {
      throw new IllegalStateException("the JDK's GHASH failed", t);
    }
  }

  /** First 8 bytes of the hash, big-endian. */
  long high() {
    return state[0];
  }

  /** Last 8 bytes of the hash, big-endian. */
  long low() {
    return state[1];
  }

  /** Null if the handles hash like {@link Ghash} on a fixed key and three blocks, else why not. */
  private static String selfTest(MethodHandle make, MethodHandle update, VarHandle stateHandle) {
    byte[] h = new byte[16];
    byte[] data = new byte[48];
    for (int i = 0; i < h.length; i++) {
      h[i] = (byte) (0x5a ^ (i * 37));
    }
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 101 + 7);
    }
    Ghash reference = new Ghash(h, 0);
    reference.reset();
    reference.update(data, 0, data.length);
    try {
      Object g = (Object) make.invokeExact(h.clone());
      int unused = (int) update.invokeExact(g, data, 0, data.length);
      long[] st = (long[]) stateHandle.get(g);
      if (st.length != 2 || st[0] != reference.high() || st[1] != reference.low()) {
        return "the JDK's GHASH class does not hash as expected";
      }
      return null;
    } catch (Throwable t) {
      return t.toString();
    }
  }
}
