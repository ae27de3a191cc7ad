package io.zt4j.node.vl2;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One flow rule as ZeroTier carries it in network configs and capabilities: a type byte and a
 * value whose layout depends on the type.
 *
 * <pre>
 *  type byte:  bit 7 NOT (invert the match) | bit 6 OR (or with the previous match) | bits 0..5 code
 *  wire form:  type(1) | value length(1) | value(length)
 *
 *  value layouts (big-endian), by type:
 *   TEE / WATCH / REDIRECT        address u64 | flags u32 | length u16            (14)
 *   SOURCE/DEST_ZEROTIER_ADDRESS  address (5 bytes)                                 (5)
 *   VLAN_ID, ETHERTYPE            u16                                               (2)
 *   VLAN_PCP, VLAN_DEI, IP_PROTOCOL  u8                                             (1)
 *   MAC_SOURCE / MAC_DEST         MAC (6 bytes)                                     (6)
 *   IPV4_SOURCE / IPV4_DEST       address (4) | prefix bits (1)                     (5)
 *   IPV6_SOURCE / IPV6_DEST       address (16) | prefix bits (1)                    (17)
 *   IP_TOS                        mask | start | end                                (3)
 *   ICMP                          type | code | flags (bit 0: code is significant)  (3)
 *   *_PORT_RANGE, FRAME_SIZE_RANGE  start u16 | end u16                             (4)
 *   CHARACTERISTICS               mask u64                                          (8)
 *   RANDOM                        probability u32 (out of 2^32-1)                   (4)
 *   TAGS_* / TAG_SENDER / TAG_RECEIVER  tag id u32 | tag value u32                  (8)
 *   INTEGER_RANGE                 start u64 | end u64 | index u16 | format u8       (19)
 *   other actions                 (none)                                            (0)
 * </pre>
 *
 * A rule of a type unknown to this version keeps its value bytes so it can be passed on intact.
 * Immutable; safe to share between threads.
 */
public final class Rule {
  /** Type-byte flag: invert the match. */
  public static final int NOT = 0x80;
  /** Type-byte flag: OR this match with the previous one instead of AND. */
  public static final int OR = 0x40;
  /** Largest value a rule may carry (the length is one byte). */
  public static final int MAX_VALUE_LENGTH = 255;

  private final int typeByte;
  private final byte[] value;

  private Rule(int typeByte, byte[] value) {
    this.typeByte = typeByte & 0xff;
    this.value = value;
  }

  /**
   * A rule from its type byte and value bytes (copied). For a known type the value must be at
   * least {@link RuleType#fieldLength()} long; longer values (a newer encoding) are kept.
   */
  public static Rule of(int typeByte, byte[] value) {
    if (typeByte < 0 || typeByte > 0xff) {
      throw new IllegalArgumentException("type byte out of range: " + typeByte);
    }
    if (value.length > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("rule value longer than 255 bytes");
    }
    RuleType t = RuleType.ofCode(typeByte & 0x3f);
    if (t != null && value.length < t.fieldLength()) {
      throw new IllegalArgumentException(
          t + " needs a " + t.fieldLength() + "-byte value, got " + value.length);
    }
    return new Rule(typeByte, value.clone());
  }

  /** A rule of a known type with its flags and value bytes (copied). */
  public static Rule of(RuleType type, boolean not, boolean or, byte[] value) {
    return of(typeByte(type, not, or), value);
  }

  /** An action without a value (DROP, ACCEPT, BREAK, PRIORITY). */
  public static Rule action(RuleType type) {
    return action(type, false, false);
  }

  /** An action without a value, with the NOT/OR bits ZeroTier keeps even on actions. */
  public static Rule action(RuleType type, boolean not, boolean or) {
    if (!type.isAction() || type.fieldLength() != 0) {
      throw new IllegalArgumentException(type + " is not an action without a value");
    }
    return new Rule(typeByte(type, not, or), new byte[0]);
  }

  /** TEE, WATCH or REDIRECT to a ZeroTier address. */
  public static Rule forward(RuleType type, boolean not, boolean or, long address, long flags, int length) {
    requireType(type, RuleType.ACTION_TEE, RuleType.ACTION_WATCH, RuleType.ACTION_REDIRECT);
    byte[] v = new byte[14];
    put(v, 0, address & 0xffffffffffL, 8);
    put(v, 8, flags & 0xffffffffL, 4);
    put(v, 12, length & 0xffff, 2);
    return new Rule(typeByte(type, not, or), v);
  }

  /** SOURCE/DEST_ZEROTIER_ADDRESS. */
  public static Rule ztAddress(RuleType type, boolean not, boolean or, long address) {
    requireType(type, RuleType.MATCH_SOURCE_ZEROTIER_ADDRESS, RuleType.MATCH_DEST_ZEROTIER_ADDRESS);
    byte[] v = new byte[5];
    put(v, 0, address & 0xffffffffffL, 5);
    return new Rule(typeByte(type, not, or), v);
  }

  /** A match with one unsigned value of the type's width (1, 2, 4 or 8 bytes). */
  public static Rule scalar(RuleType type, boolean not, boolean or, long value) {
    requireType(type,
        RuleType.MATCH_VLAN_ID, RuleType.MATCH_VLAN_PCP, RuleType.MATCH_VLAN_DEI,
        RuleType.MATCH_IP_PROTOCOL, RuleType.MATCH_ETHERTYPE, RuleType.MATCH_CHARACTERISTICS,
        RuleType.MATCH_RANDOM);
    byte[] v = new byte[type.fieldLength()];
    put(v, 0, value, v.length);
    return new Rule(typeByte(type, not, or), v);
  }

  /** MAC_SOURCE / MAC_DEST, the MAC as its 48-bit integer. */
  public static Rule mac(RuleType type, boolean not, boolean or, long mac) {
    requireType(type, RuleType.MATCH_MAC_SOURCE, RuleType.MATCH_MAC_DEST);
    byte[] v = new byte[6];
    put(v, 0, mac & 0xffffffffffffL, 6);
    return new Rule(typeByte(type, not, or), v);
  }

  /** IPV4/IPV6 SOURCE/DEST: address bytes (4 or 16) and prefix length. */
  public static Rule ip(RuleType type, boolean not, boolean or, byte[] address, int prefixBits) {
    requireType(type, RuleType.MATCH_IPV4_SOURCE, RuleType.MATCH_IPV4_DEST,
        RuleType.MATCH_IPV6_SOURCE, RuleType.MATCH_IPV6_DEST);
    int len = type.fieldLength() - 1;
    if (address.length != len) {
      throw new IllegalArgumentException(type + " needs a " + len + "-byte address");
    }
    if (prefixBits < 0 || prefixBits > len * 8) {
      throw new IllegalArgumentException("prefix length out of range: " + prefixBits);
    }
    byte[] v = Arrays.copyOf(address, len + 1);
    v[len] = (byte) prefixBits;
    return new Rule(typeByte(type, not, or), v);
  }

  /** IP_TOS: mask and the inclusive range of the masked value. */
  public static Rule ipTos(boolean not, boolean or, int mask, int start, int end) {
    return new Rule(typeByte(RuleType.MATCH_IP_TOS, not, or),
        new byte[] {(byte) mask, (byte) start, (byte) end});
  }

  /** ICMP type, and code when {@code code} is non-negative. */
  public static Rule icmp(boolean not, boolean or, int icmpType, int code) {
    return new Rule(typeByte(RuleType.MATCH_ICMP, not, or),
        new byte[] {(byte) icmpType, (byte) (code < 0 ? 0 : code), (byte) (code < 0 ? 0 : 1)});
  }

  /** Port ranges and FRAME_SIZE_RANGE: inclusive 16-bit range. */
  public static Rule range(RuleType type, boolean not, boolean or, int start, int end) {
    requireType(type, RuleType.MATCH_IP_SOURCE_PORT_RANGE, RuleType.MATCH_IP_DEST_PORT_RANGE,
        RuleType.MATCH_FRAME_SIZE_RANGE);
    byte[] v = new byte[4];
    put(v, 0, start & 0xffff, 2);
    put(v, 2, end & 0xffff, 2);
    return new Rule(typeByte(type, not, or), v);
  }

  /** The tag matches: tag id and value. */
  public static Rule tag(RuleType type, boolean not, boolean or, long id, long value) {
    if (!type.isTagMatch()) {
      throw new IllegalArgumentException(type + " is not a tag match");
    }
    byte[] v = new byte[8];
    put(v, 0, id & 0xffffffffL, 4);
    put(v, 4, value & 0xffffffffL, 4);
    return new Rule(typeByte(type, not, or), v);
  }

  /**
   * INTEGER_RANGE: an integer read from the packet at byte {@code index}, {@code format} bit 7 =
   * little-endian, bits 0..5 = bit count minus one; matches {@code start..end} inclusive.
   */
  public static Rule integerRange(boolean not, boolean or, long start, long end, int index, int format) {
    byte[] v = new byte[19];
    put(v, 0, start, 8);
    put(v, 8, end, 8);
    put(v, 16, index & 0xffff, 2);
    v[18] = (byte) format;
    return new Rule(typeByte(RuleType.MATCH_INTEGER_RANGE, not, or), v);
  }

  /** The full type byte (code and NOT/OR flags). */
  public int typeByte() {
    return typeByte;
  }

  /** The 6-bit type code. */
  public int code() {
    return typeByte & 0x3f;
  }

  /** The type, or {@code null} for a code ZeroTier 1.14 does not define. */
  public RuleType type() {
    return RuleType.ofCode(code());
  }

  public boolean not() {
    return (typeByte & NOT) != 0;
  }

  public boolean or() {
    return (typeByte & OR) != 0;
  }

  /** The value bytes (a copy). */
  public byte[] value() {
    return value.clone();
  }

  public int valueLength() {
    return value.length;
  }

  /** Unsigned big-endian integer of {@code width} bytes (1..8) at {@code offset} of the value. */
  public long uint(int offset, int width) {
    if (width < 1 || width > 8 || offset < 0 || offset + width > value.length) {
      throw new IllegalArgumentException("no " + width + "-byte field at " + offset);
    }
    long r = 0;
    for (int i = 0; i < width; i++) {
      r = (r << 8) | (value[offset + i] & 0xff);
    }
    return r;
  }

  /** Bytes {@code offset..offset+length} of the value (a copy). */
  public byte[] bytes(int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > value.length) {
      throw new IllegalArgumentException("no " + length + " bytes at " + offset);
    }
    return Arrays.copyOfRange(value, offset, offset + length);
  }

  /** Encoded length: type, length byte and value. */
  public int encodedLength() {
    return 2 + value.length;
  }

  /** Writes type, length and value at {@code offset}; returns the offset after it. */
  public int encodeTo(byte[] out, int offset) {
    out[offset] = (byte) typeByte;
    out[offset + 1] = (byte) value.length;
    System.arraycopy(value, 0, out, offset + 2, value.length);
    return offset + 2 + value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rule r && r.typeByte == typeByte && Arrays.equals(r.value, value);
  }

  @Override
  public int hashCode() {
    return typeByte * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    RuleType t = type();
    return (not() ? "!" : "") + (or() ? "|" : "") + (t == null ? "RULE_" + code() : t.name())
        + (value.length == 0 ? "" : "[" + HexFormat.of().formatHex(value) + "]");
  }

  private static int typeByte(RuleType type, boolean not, boolean or) {
    return type.code() | (not ? NOT : 0) | (or ? OR : 0);
  }

  private static void requireType(RuleType type, RuleType... allowed) {
    for (RuleType a : allowed) {
      if (a == type) {
        return;
      }
    }
    throw new IllegalArgumentException(type + " does not take this kind of value");
  }

  private static void put(byte[] b, int off, long v, int width) {
    for (int i = width - 1; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
