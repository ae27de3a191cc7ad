package io.zt4j.node.vl2;

/**
 * The rule types of ZeroTier's flow rules engine ({@code ZT_VirtualNetworkRuleType}): actions
 * (0..15) and matches (24..63). The code is the low 6 bits of a rule's type byte; the high bits
 * are {@link Rule#NOT} and {@link Rule#OR}.
 *
 * <p>{@link #fieldLength()} is the length of the rule's value on the wire, the byte after the
 * type byte.
 */
public enum RuleType {
  ACTION_DROP(0, 0),
  ACTION_ACCEPT(1, 0),
  /** Copy the frame to {@code address} (first {@code length} bytes), then go on. */
  ACTION_TEE(2, 14),
  /** Like TEE but the copy carries a flag telling the observer it was watched. */
  ACTION_WATCH(3, 14),
  /** Send the frame to {@code address} instead of its destination. */
  ACTION_REDIRECT(4, 14),
  /** Stop evaluating this rule set (a capability's rules) without a decision. */
  ACTION_BREAK(5, 0),
  /** Set QoS priority; carries no value in ZeroTier 1.14's encoding. */
  ACTION_PRIORITY(6, 0),
  MATCH_SOURCE_ZEROTIER_ADDRESS(24, 5),
  MATCH_DEST_ZEROTIER_ADDRESS(25, 5),
  MATCH_VLAN_ID(26, 2),
  MATCH_VLAN_PCP(27, 1),
  MATCH_VLAN_DEI(28, 1),
  MATCH_MAC_SOURCE(29, 6),
  MATCH_MAC_DEST(30, 6),
  MATCH_IPV4_SOURCE(31, 5),
  MATCH_IPV4_DEST(32, 5),
  MATCH_IPV6_SOURCE(33, 17),
  MATCH_IPV6_DEST(34, 17),
  MATCH_IP_TOS(35, 3),
  MATCH_IP_PROTOCOL(36, 1),
  MATCH_ETHERTYPE(37, 2),
  MATCH_ICMP(38, 3),
  MATCH_IP_SOURCE_PORT_RANGE(39, 4),
  MATCH_IP_DEST_PORT_RANGE(40, 4),
  MATCH_CHARACTERISTICS(41, 8),
  MATCH_FRAME_SIZE_RANGE(42, 4),
  MATCH_RANDOM(43, 4),
  MATCH_TAGS_DIFFERENCE(44, 8),
  MATCH_TAGS_BITWISE_AND(45, 8),
  MATCH_TAGS_BITWISE_OR(46, 8),
  MATCH_TAGS_BITWISE_XOR(47, 8),
  MATCH_TAGS_EQUAL(48, 8),
  MATCH_TAG_SENDER(49, 8),
  MATCH_TAG_RECEIVER(50, 8),
  MATCH_INTEGER_RANGE(51, 19);

  /** Highest action code; codes above it are matches. */
  public static final int ACTION_MAX_CODE = 15;

  private static final RuleType[] BY_CODE = new RuleType[64];

  static {
    for (RuleType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int fieldLength;

  RuleType(int code, int fieldLength) {
    this.code = code;
    this.fieldLength = fieldLength;
  }

  /** The 6-bit type code. */
  public int code() {
    return code;
  }

  /** Length of this type's value on the wire. */
  public int fieldLength() {
    return fieldLength;
  }

  /** True for actions (codes 0..15). */
  public boolean isAction() {
    return code <= ACTION_MAX_CODE;
  }

  /** True for the seven tag matches, whose value is (tag id, tag value). */
  public boolean isTagMatch() {
    return code >= MATCH_TAGS_DIFFERENCE.code && code <= MATCH_TAG_RECEIVER.code;
  }

  /** The type with this 6-bit code, or {@code null} when ZeroTier 1.14 defines none. */
  public static RuleType ofCode(int code) {
    return code >= 0 && code < 64 ? BY_CODE[code] : null;
  }
}
