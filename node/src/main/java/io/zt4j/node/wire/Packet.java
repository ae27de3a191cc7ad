package io.zt4j.node.wire;

import io.zt4j.node.identity.Address;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * View over one ZeroTier 1.x VL1 packet (a whole packet, or the head of a fragmented one).
 *
 * <pre>
 *   0               8         13        18  19              27   28
 *  +---------------+---------+---------+---+---------------+----+----------------
 *  | packet ID / IV|  dest   | source  |flg|      MAC      |verb| payload ...
 *  +---------------+---------+---------+---+---------------+----+----------------
 *   flags: F C C C C H H H   F=0x40 fragmented (0x80: legacy "encrypted", set with suite 1)
 *          bits 3..5 cipher suite, bits 0..2 hop count
 *   verb:  0x80 = payload LZ4-compressed, low 5 bits = verb
 * </pre>
 *
 * With AES-GMAC-SIV the packet ID and MAC fields together hold the 16-byte SIV tag, and from the
 * verb byte on everything is ciphertext until dearmoured.
 *
 * <p>A mutable, reusable flyweight: {@link #wrap} it over received bytes (checked once), then no
 * accessor can fail. The view never copies; the caller owns the buffer and must not change its
 * length while wrapped. Not thread-safe. For allocation-free code the static accessors work on a
 * raw buffer and offset.
 */
public final class Packet {
  public static final int IDX_IV = 0;
  public static final int IDX_DEST = 8;
  public static final int IDX_SOURCE = 13;
  public static final int IDX_FLAGS = 18;
  public static final int IDX_MAC = 19;
  public static final int IDX_VERB = 27;
  public static final int IDX_PAYLOAD = 28;
  /** Smallest packet: header plus verb (ZT_PROTO_MIN_PACKET_LENGTH). */
  public static final int MIN_LENGTH = IDX_PAYLOAD;
  /** Default physical MTU for ZeroTier UDP payloads (ZT_DEFAULT_PHYSMTU). */
  public static final int DEFAULT_PHYSICAL_MTU = 1432;
  /** Most fragments (head included) a packet may have (ZT_MAX_PACKET_FRAGMENTS). */
  public static final int MAX_FRAGMENTS = 7;
  /** Largest packet, reassembled (ZT_PROTO_MAX_PACKET_LENGTH = 7 × 1432). */
  public static final int MAX_LENGTH = MAX_FRAGMENTS * DEFAULT_PHYSICAL_MTU;

  public static final int FLAG_ENCRYPTED_LEGACY = 0x80;
  public static final int FLAG_FRAGMENTED = 0x40;
  public static final int VERB_FLAG_COMPRESSED = 0x80;
  public static final int VERB_MASK = 0x1f;

  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf;
  private int off;
  private int len;

  /** An unwrapped view; call {@link #wrap} before use. */
  public Packet() {}

  /**
   * Points this view at {@code buf[offset, offset+length)}. Returns false (and leaves the view
   * unwrapped) if the range is outside the buffer or the length is not in [{@link #MIN_LENGTH},
   * {@link #MAX_LENGTH}]. Never throws for bad input.
   */
  public boolean wrap(byte[] buf, int offset, int length) {
    if (buf == null || offset < 0 || length < MIN_LENGTH || length > MAX_LENGTH
        || offset > buf.length - length) {
      this.buf = null;
      return false;
    }
    this.buf = buf;
    this.off = offset;
    this.len = length;
    return true;
  }

  private byte[] b() {
    if (buf == null) {
      throw new IllegalStateException("packet view is not wrapped");
    }
    return buf;
  }

  public byte[] buffer() {
    return b();
  }

  public int offset() {
    return off;
  }

  public int length() {
    return len;
  }

  public long packetId() {
    return packetId(b(), off);
  }

  public Packet packetId(long id) {
    BE64.set(b(), off + IDX_IV, id);
    return this;
  }

  public long destination() {
    return Address.toLong(b(), off + IDX_DEST);
  }

  public Packet destination(long address) {
    Address.write(address, b(), off + IDX_DEST);
    return this;
  }

  public long source() {
    return Address.toLong(b(), off + IDX_SOURCE);
  }

  public Packet source(long address) {
    Address.write(address, b(), off + IDX_SOURCE);
    return this;
  }

  /** The whole flags byte. */
  public int flags() {
    return b()[off + IDX_FLAGS] & 0xff;
  }

  public boolean fragmented() {
    return (flags() & FLAG_FRAGMENTED) != 0;
  }

  public Packet fragmented(boolean f) {
    byte[] a = b();
    a[off + IDX_FLAGS] = (byte) (f ? (a[off + IDX_FLAGS] | FLAG_FRAGMENTED) : (a[off + IDX_FLAGS] & ~FLAG_FRAGMENTED));
    return this;
  }

  /** Cipher suite code, bits 3..5 of flags (0..7; see {@link CipherSuite#of}). */
  public int cipherCode() {
    return (flags() >>> 3) & 7;
  }

  /** Sets the cipher suite bits, and the legacy encrypted bit exactly when suite 1 (as ZeroTier). */
  public Packet cipher(CipherSuite suite) {
    setCipher(b(), off, suite);
    return this;
  }

  public int hops() {
    return flags() & 7;
  }

  public Packet hops(int hops) {
    if (hops < 0 || hops > 7) {
      throw new IllegalArgumentException("hops " + hops);
    }
    byte[] a = b();
    a[off + IDX_FLAGS] = (byte) ((a[off + IDX_FLAGS] & 0xf8) | hops);
    return this;
  }

  /** The 8-byte MAC field (trusted-path ID for suite 2; half the SIV tag for suite 3). */
  public long mac() {
    return (long) BE64.get(b(), off + IDX_MAC);
  }

  public Packet mac(long mac) {
    BE64.set(b(), off + IDX_MAC, mac);
    return this;
  }

  /** The verb byte as on the wire (meaningful only once dearmoured). */
  public int verbByte() {
    return b()[off + IDX_VERB] & 0xff;
  }

  /** The verb, low 5 bits of the verb byte. */
  public int verb() {
    return verbByte() & VERB_MASK;
  }

  public Packet verb(int verb) {
    byte[] a = b();
    a[off + IDX_VERB] = (byte) ((a[off + IDX_VERB] & VERB_FLAG_COMPRESSED) | (verb & VERB_MASK));
    return this;
  }

  public boolean compressed() {
    return (verbByte() & VERB_FLAG_COMPRESSED) != 0;
  }

  /** Offset in the buffer of the payload (after the verb byte). */
  public int payloadOffset() {
    return off + IDX_PAYLOAD;
  }

  public int payloadLength() {
    return len - IDX_PAYLOAD;
  }

  /** The header as a record. */
  public Header header() {
    return new Header(packetId(), Address.of(destination()), Address.of(source()), flags(), mac(), verbByte());
  }

  /**
   * A packet header in parsed form.
   *
   * @param flags the whole flags byte (fragmented, cipher suite, hops)
   * @param verbByte the verb byte (verb and compressed flag)
   */
  public record Header(long packetId, Address destination, Address source, int flags, long mac, int verbByte) {
    public Header {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(source, "source");
      if ((flags & ~0xff) != 0 || (verbByte & ~0xff) != 0) {
        throw new IllegalArgumentException("flags and verb are bytes");
      }
    }

    public int hops() {
      return flags & 7;
    }

    public int cipherCode() {
      return (flags >>> 3) & 7;
    }

    public boolean fragmented() {
      return (flags & FLAG_FRAGMENTED) != 0;
    }

    public int verb() {
      return verbByte & VERB_MASK;
    }

    public boolean compressed() {
      return (verbByte & VERB_FLAG_COMPRESSED) != 0;
    }

    /** Writes the 28 header bytes (through the verb byte) at {@code offset}. */
    public void writeTo(byte[] b, int offset) {
      Objects.checkFromIndexSize(offset, MIN_LENGTH, b.length);
      BE64.set(b, offset + IDX_IV, packetId);
      destination.writeTo(b, offset + IDX_DEST);
      source.writeTo(b, offset + IDX_SOURCE);
      b[offset + IDX_FLAGS] = (byte) flags;
      BE64.set(b, offset + IDX_MAC, mac);
      b[offset + IDX_VERB] = (byte) verbByte;
    }
  }

  // ------------------------------------------------------------------ static raw accessors

  /** Packet ID (IV) of the packet at {@code off} (caller checked length ≥ 8). */
  public static long packetId(byte[] b, int off) {
    return (long) BE64.get(b, off + IDX_IV);
  }

  /** True if a datagram of {@code length} bytes at {@code off} is a fragment (not a packet head). */
  public static boolean isFragment(byte[] b, int off, int length) {
    return length > Fragment.IDX_PAYLOAD
        && (b[off + Fragment.IDX_INDICATOR] & 0xff) == Fragment.INDICATOR;
  }

  static void setCipher(byte[] b, int off, CipherSuite suite) {
    int f = b[off + IDX_FLAGS] & 0xff;
    f = (f & 0xc7) | ((suite.code << 3) & 0x38);
    f = suite == CipherSuite.POLY1305_SALSA2012 ? f | FLAG_ENCRYPTED_LEGACY : f & ~FLAG_ENCRYPTED_LEGACY;
    b[off + IDX_FLAGS] = (byte) f;
  }
}
