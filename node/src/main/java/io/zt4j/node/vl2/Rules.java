package io.zt4j.node.vl2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The wire encoding of a rule list, as carried in a network config's rules ({@code R}) and in a
 * capability: rules back to back, each {@code type | length | value} (see {@link Rule}).
 *
 * <p>Decoding reads untrusted bytes: it never throws and never reads past the given range; a
 * truncated rule or a known type with too short a value makes the whole list invalid
 * ({@code null}), as one bad rule could change what the rest mean.
 */
public final class Rules {
  private Rules() {}

  /** Total encoded length of {@code rules}. */
  public static int encodedLength(List<Rule> rules) {
    int n = 0;
    for (Rule r : rules) {
      n += r.encodedLength();
    }
    return n;
  }

  /** The rules back to back. */
  public static byte[] encode(List<Rule> rules) {
    byte[] out = new byte[encodedLength(rules)];
    int p = 0;
    for (Rule r : rules) {
      p = r.encodeTo(out, p);
    }
    return out;
  }

  /**
   * Reads one rule at the reader's position (type, length, value), refusing a known type whose
   * value is shorter than its field.
   */
  static Rule read(WireReader r) {
    int t = r.u8("rule type");
    int len = r.u8("rule length");
    RuleType type = RuleType.ofCode(t & 0x3f);
    if (type != null && len < type.fieldLength()) {
      throw WireReader.refuse(io.zt4j.node.wire.DropReason.MALFORMED,
          type + " with a " + len + "-byte value, needs " + type.fieldLength());
    }
    return Rule.of(t, r.bytes(len, "rule value"));
  }

  /**
   * Decodes rules from {@code buf[offset, offset+length)}, at most {@code maxRules} of them.
   *
   * @return the rules (unmodifiable), or {@code null} if the bytes are malformed or hold more
   *     than {@code maxRules} rules
   */
  public static List<Rule> decode(byte[] buf, int offset, int length, int maxRules) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      return null;
    }
    List<Rule> out = new ArrayList<>();
    int p = offset;
    int end = offset + length;
    while (p < end) {
      if (out.size() >= maxRules || end - p < 2) {
        return null;
      }
      int t = buf[p] & 0xff;
      int len = buf[p + 1] & 0xff;
      p += 2;
      if (end - p < len) {
        return null;
      }
      RuleType type = RuleType.ofCode(t & 0x3f);
      if (type != null && len < type.fieldLength()) {
        return null;
      }
      byte[] v = new byte[len];
      System.arraycopy(buf, p, v, 0, len);
      out.add(Rule.of(t, v));
      p += len;
    }
    return Collections.unmodifiableList(out);
  }
}
