package io.zt4j.node.vl2;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.Parsed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A capability: a controller-signed set of flow rules that a member may apply to its own
 * traffic in addition to the network's base rules, evaluated in ascending id order. A capability
 * can be handed on along a chain of custody of at most {@link #MAX_CUSTODY_CHAIN_LENGTH} signed
 * hops, the first signed by the network's controller.
 *
 * <pre>
 *  serialized form (Capability::serialize), big-endian
 *  +-------------+---------------+--------+----------------+------------------------------+
 *  | network u64 | timestamp i64 | id u32 | rule count u16 | rules (type | len | value)...|
 *  +-------------+---------------+--------+----------------+------------------------------+
 *  | max custody chain length u8 (1..7) |
 *  | custody entries: to (5) | from (5) | 0x01 | 0x0060 | signature (96) ...               |
 *  | terminator: to = 00 00 00 00 00                                                       |
 *  | extension length u16 = 0                                                              |
 *  +---------------------------------------------------------------------------------------+
 *  signed message (the same for every custody entry):
 *    7f x 8 | network .. max custody chain length | 0x0000 | 7f x 8
 * </pre>
 *
 * Ordered by id. Immutable and thread-safe.
 */
public final class Capability implements Comparable<Capability> {

  /** ZeroTier's limit on rules in one capability ({@code ZT_MAX_CAPABILITY_RULES}). */
  public static final int MAX_RULES = 64;
  /** ZeroTier's limit on custody hops ({@code ZT_MAX_CAPABILITY_CUSTODY_CHAIN_LENGTH}). */
  public static final int MAX_CUSTODY_CHAIN_LENGTH = 7;

  /** One hop of the chain of custody: {@code from} signed the capability over to {@code to}. */
  public record Custody(long to, long from, byte[] signature) {
    public Custody {
      signature = CredentialWire.checkSignature(signature);
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Custody c && c.to == to && c.from == from && Arrays.equals(c.signature, signature);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(to) * 31 + Long.hashCode(from);
    }

    @Override
    public String toString() {
      return String.format("%010x->%010x", from, to);
    }
  }

  private final long networkId;
  private final long timestamp;
  private final long id;
  private final List<Rule> rules;
  private final int maxCustodyChainLength;
  private final List<Custody> custody;

  private Capability(long networkId, long timestamp, long id, List<Rule> rules, int maxCustodyChainLength,
      List<Custody> custody) {
    this.networkId = networkId;
    this.timestamp = timestamp;
    this.id = id;
    this.rules = List.copyOf(rules);
    this.maxCustodyChainLength = maxCustodyChainLength;
    this.custody = List.copyOf(custody);
  }

  /**
   * An unsigned capability.
   *
   * @param maxCustodyChainLength 1 (not transferable) .. 7
   */
  public static Capability of(long id, long networkId, long timestamp, int maxCustodyChainLength, List<Rule> rules) {
    Tag.requireU32(id, "capability id");
    if (maxCustodyChainLength < 1 || maxCustodyChainLength > MAX_CUSTODY_CHAIN_LENGTH) {
      throw new IllegalArgumentException("custody chain length must be 1..7: " + maxCustodyChainLength);
    }
    if (rules.size() > MAX_RULES) {
      throw new IllegalArgumentException("a capability holds at most " + MAX_RULES + " rules");
    }
    return new Capability(networkId, timestamp, id, rules, maxCustodyChainLength, List.of());
  }

  public long networkId() {
    return networkId;
  }

  public long timestamp() {
    return timestamp;
  }

  /** The id, which is also the capability's evaluation order (unsigned 32-bit). */
  public long id() {
    return id;
  }

  public List<Rule> rules() {
    return rules;
  }

  public int maxCustodyChainLength() {
    return maxCustodyChainLength;
  }

  public List<Custody> custody() {
    return custody;
  }

  /** The last recipient in the chain of custody, 0 if unsigned. */
  public long issuedTo() {
    return custody.isEmpty() ? 0 : custody.get(custody.size() - 1).to;
  }

  // ---------------------------------------------------------------------------------------------

  /** Parses one capability from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<Capability> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "Capability: range outside the buffer");
    }
    WireReader r = new WireReader(buf, off, len);
    try {
      Capability c = read(r);
      return Parsed.ok(c, r.consumed());
    } catch (WireReader.Refused e) {
      return e.toParsed("Capability");
    }
  }

  static Capability read(WireReader r) {
    long nwid = r.u64("network id");
    long ts = r.u64("timestamp");
    long id = r.u32("id");
    int ruleCount = r.u16("rule count");
    if (ruleCount > MAX_RULES) {
      throw WireReader.refuse(DropReason.TOO_MANY, ruleCount + " rules, at most " + MAX_RULES);
    }
    List<Rule> rules = new ArrayList<>(ruleCount);
    for (int i = 0; i < ruleCount; i++) {
      rules.add(Rules.read(r));
    }
    int mccl = r.u8("max custody chain length");
    if (mccl < 1 || mccl > MAX_CUSTODY_CHAIN_LENGTH) {
      throw WireReader.refuse(DropReason.MALFORMED, "max custody chain length " + mccl);
    }
    List<Custody> chain = new ArrayList<>();
    for (int i = 0;; i++) {
      long to = r.address("custody to");
      if (to == 0) {
        break;
      }
      if (i >= mccl) {
        throw WireReader.refuse(DropReason.TOO_MANY, "custody chain longer than " + mccl);
      }
      long from = r.address("custody from");
      chain.add(new Custody(to, from, CredentialWire.readSignature(r)));
    }
    CredentialWire.skipExtensions(r);
    return new Capability(nwid, ts, id, rules, mccl, chain);
  }

  void write(WireWriter w, boolean forSign) {
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
    w.u64(networkId).u64(timestamp).u32(id).u16(rules.size());
    for (Rule rule : rules) {
      w.u8(rule.typeByte()).u8(rule.valueLength()).bytes(rule.value());
    }
    w.u8(maxCustodyChainLength);
    if (!forSign) {
      for (Custody c : custody) {
        w.address(c.to).address(c.from);
        CredentialWire.writeSignature(w, c.signature);
      }
      w.zeros(5);
    }
    w.u16(0);
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
  }

  public byte[] serialize() {
    WireWriter w = new WireWriter(64 + Rules.encodedLength(rules) + custody.size() * 110);
    write(w, false);
    return w.toByteArray();
  }

  /** The message every custody signature covers. */
  public byte[] signedMessage() {
    WireWriter w = new WireWriter(64 + Rules.encodedLength(rules));
    write(w, true);
    return w.toByteArray();
  }

  /**
   * This capability with one more custody hop: {@code from} (which must hold its private key)
   * signs it over to {@code to}.
   *
   * @throws IllegalStateException if the chain is already at its maximum length
   */
  public Capability sign(Identity from, long to) {
    CredentialWire.requirePrivate(from);
    if (custody.size() >= maxCustodyChainLength) {
      throw new IllegalStateException("custody chain is full (" + maxCustodyChainLength + ")");
    }
    if ((to & 0xFF_FFFF_FFFFL) == 0) {
      throw new IllegalArgumentException("custody recipient must not be 0");
    }
    List<Custody> chain = new ArrayList<>(custody);
    chain.add(new Custody(to & 0xFF_FFFF_FFFFL, from.address().toLong(), from.sign(signedMessage())));
    return new Capability(networkId, timestamp, id, rules, maxCustodyChainLength, chain);
  }

  /**
   * ZeroTier's check of the chain of custody: the first hop is signed by the network's
   * controller, each further hop by the previous recipient, and every signature is valid.
   */
  public Verification verify(LongFunction<Identity> identities) {
    if (custody.isEmpty()) {
      return Verification.BAD;
    }
    byte[] msg = signedMessage();
    for (int c = 0; c < custody.size(); c++) {
      Custody hop = custody.get(c);
      if (hop.from == 0) {
        return Verification.BAD;
      }
      if (c == 0 && hop.from != CertificateOfMembership.controllerFor(networkId)) {
        return Verification.BAD;
      }
      if (c > 0 && hop.from != custody.get(c - 1).to) {
        return Verification.BAD;
      }
      Identity id = identities.apply(hop.from);
      if (id == null) {
        return Verification.needIdentity(hop.from);
      }
      if (id.address().toLong() != hop.from
          || !id.verify(msg, 0, msg.length, hop.signature, 0, C25519.SIGNATURE_LENGTH)) {
        return Verification.BAD;
      }
    }
    return Verification.OK;
  }

  @Override
  public int compareTo(Capability o) {
    return Long.compare(id, o.id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Capability c && c.networkId == networkId && c.timestamp == timestamp && c.id == id
        && c.maxCustodyChainLength == maxCustodyChainLength && c.rules.equals(rules) && c.custody.equals(custody);
  }

  @Override
  public int hashCode() {
    return Objects.hash(networkId, timestamp, id, rules, maxCustodyChainLength, custody);
  }

  @Override
  public String toString() {
    return "Capability[id=" + id + " nwid=" + Long.toHexString(networkId) + " ts=" + timestamp + " rules="
        + rules + " custody=" + custody + "]";
  }
}
