package io.zt4j.node.vl1;

import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * An outgoing ZeroTier packet being assembled: header, verb, payload fields appended in order.
 *
 * <pre>
 *  0        8          13         18     19       27     28
 *  +--------+----------+----------+------+--------+------+----------------
 *  | IV /   | dest     | source   |flags | MAC    | verb | payload …
 *  | pkt id | addr (5) | addr (5) |      | (8)    |      |
 *  +--------+----------+----------+------+--------+------+----------------
 *  flags: 0x80 legacy "encrypted", 0x40 fragmented, bits 3–5 cipher suite, bits 0–2 hops
 *  verb:  0x80 = payload LZ4-compressed, low 5 bits the verb
 * </pre>
 *
 * <p>The packet id is 64 random bits from the node's random source (ZeroTier uses a secure
 * random source: the id is the Salsa20 nonce). Armouring (see {@link PeerCipher}) sets the cipher
 * bits and MAC, and for AES-GMAC-SIV replaces the id with the tag's first half.
 *
 * <p>The buffer starts at the size the caller expects ({@link #INITIAL_CAPACITY} unless told) and
 * grows as fields are appended, up to {@link #MAX_PACKET_LENGTH}; appending beyond that is a
 * programming error ({@link IllegalStateException}). (A full-size buffer per packet cost 10 KB
 * of zeroed allocation for every frame sent.) Not thread-safe.
 */
public final class PacketBuilder {
  /** {@code ZT_PROTO_MAX_PACKET_LENGTH}: 7 fragments of the default physical MTU. */
  public static final int MAX_PACKET_LENGTH = 7 * Vl1Constants.DEFAULT_PHYSICAL_MTU;

  public static final int IDX_IV = 0;
  public static final int IDX_DEST = 8;
  public static final int IDX_SOURCE = 13;
  public static final int IDX_FLAGS = 18;
  public static final int IDX_MAC = 19;
  public static final int IDX_VERB = 27;
  public static final int IDX_PAYLOAD = 28;

  private byte[] buf;
  private int size;
  private boolean armored;
  private long trustedPathId;

  /** Buffer size of a new packet unless its payload size is given. */
  public static final int INITIAL_CAPACITY = 512;

  /** A new packet from {@code source} to {@code destination} carrying {@code verb}. */
  public PacketBuilder(long destination, long source, int verb, RandomGenerator random) {
    this(destination, source, verb, INITIAL_CAPACITY - IDX_PAYLOAD, random);
  }

  /**
   * A new packet whose payload is expected to be about {@code payloadCapacity} bytes (the buffer
   * grows if more is appended).
   */
  public PacketBuilder(long destination, long source, int verb, int payloadCapacity, RandomGenerator random) {
    buf = new byte[Math.min(MAX_PACKET_LENGTH, IDX_PAYLOAD + Math.max(0, payloadCapacity))];
    long id = random.nextLong();
    for (int i = 0; i < 8; i++) {
      buf[i] = (byte) (id >>> (56 - 8 * i));
    }
    Address.write(destination, buf, IDX_DEST);
    Address.write(source, buf, IDX_SOURCE);
    buf[IDX_FLAGS] = 0;
    buf[IDX_VERB] = (byte) (verb & 0x1f);
    size = IDX_PAYLOAD;
  }

  /** Wraps an existing complete packet (for relaying and queued re-sends); copies it. */
  public static PacketBuilder copyOf(byte[] packet, int offset, int length) {
    if (length < IDX_PAYLOAD || length > MAX_PACKET_LENGTH) {
      throw new IllegalArgumentException("bad packet length " + length);
    }
    return new PacketBuilder(Arrays.copyOfRange(packet, offset, offset + length), length);
  }

  private PacketBuilder(byte[] packet, int length) {
    this.buf = packet;
    this.size = length;
    this.armored = true;
  }

  /** The backing buffer (valid bytes are {@code [0, size())}). */
  public byte[] buffer() {
    return buf;
  }

  public int size() {
    return size;
  }

  /** Sets the size (after in-place compression); must not exceed the current size's buffer. */
  public void size(int newSize) {
    if (newSize < IDX_PAYLOAD || newSize > buf.length) {
      throw new IllegalStateException("bad size " + newSize);
    }
    size = newSize;
  }

  public long packetId() {
    return packetId(buf);
  }

  /** The packet id (first 8 bytes, big-endian) of a packet in {@code data}. */
  public static long packetId(byte[] data) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data[i] & 0xFF);
    }
    return v;
  }

  public long destination() {
    return Address.toLong(buf, IDX_DEST);
  }

  public long source() {
    return Address.toLong(buf, IDX_SOURCE);
  }

  /** The verb without the compressed flag. */
  public int verb() {
    return buf[IDX_VERB] & 0x1f;
  }

  public int hops() {
    return buf[IDX_FLAGS] & 0x07;
  }

  /** Whether {@link PeerCipher#armor} has been applied (a packet is armoured exactly once). */
  public boolean armored() {
    return armored;
  }

  void markArmored() {
    armored = true;
    trustedPathId = 0;
  }

  /** Marked as suite 2 for a trusted path with {@code id} (payload still plain). */
  void markTrusted(long id) {
    armored = true;
    trustedPathId = id;
  }

  /** The trusted-path id the packet was marked with, or 0 when armoured with crypto (or not yet). */
  long trustedPathId() {
    return trustedPathId;
  }

  /** Adds one hop to the 3-bit hop counter (relaying). */
  void incrementHops() {
    int f = buf[IDX_FLAGS] & 0xFF;
    buf[IDX_FLAGS] = (byte) ((f & 0xF8) | (((f & 0x07) + 1) & 0x07));
  }

  private void room(int n) {
    if (size + n > buf.length) {
      if (size + n > MAX_PACKET_LENGTH) {
        throw new IllegalStateException("packet full: " + size + " + " + n);
      }
      buf = Arrays.copyOf(buf, Math.min(MAX_PACKET_LENGTH, Math.max(size + n, 2 * buf.length)));
    }
  }

  public PacketBuilder u8(int v) {
    room(1);
    buf[size++] = (byte) v;
    return this;
  }

  public PacketBuilder u16(int v) {
    room(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  public PacketBuilder u32(long v) {
    room(4);
    for (int i = 3; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  public PacketBuilder u64(long v) {
    room(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  public PacketBuilder address(long a) {
    room(Address.LENGTH);
    Address.write(a, buf, size);
    size += Address.LENGTH;
    return this;
  }

  public PacketBuilder bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  public PacketBuilder bytes(byte[] b, int off, int len) {
    room(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
    return this;
  }

  public PacketBuilder inetAddress(InetAddress a) {
    room(a.serializedLength());
    size += a.writeTo(buf, size);
    return this;
  }

  public PacketBuilder identity(Identity id, boolean includePrivate) {
    byte[] b = id.serialize(includePrivate);
    return bytes(b);
  }

  /** Writes a 16-bit value at an absolute position (for counts and lengths filled in later). */
  public void setU16At(int position, int v) {
    if (position < IDX_PAYLOAD || position + 2 > size) {
      throw new IllegalStateException("position outside payload");
    }
    buf[position] = (byte) (v >>> 8);
    buf[position + 1] = (byte) v;
  }

  /** Current end of the packet (to remember where a later-filled field is). */
  public int position() {
    return size;
  }
}
