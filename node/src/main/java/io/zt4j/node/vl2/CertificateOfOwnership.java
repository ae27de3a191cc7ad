package io.zt4j.node.vl2;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.Parsed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A certificate of ownership (COO): the controller's signed statement that a member owns some
 * MAC and IP addresses on a network, presented so other members accept frames from those
 * addresses.
 *
 * <pre>
 *  serialized form (CertificateOfOwnership::serialize), big-endian
 *  +-------------+---------------+-----------+--------+----------------+
 *  | network u64 | timestamp i64 | flags u64 | id u32 | thing count u16 |
 *  +-------------+---------------+-----------+--------+----------------+
 *  | count x ( thing type u8 | value (16, left-aligned, zero-padded) ) |   count &lt;= 16
 *  +--------------------------------------------------------------------+
 *  | issuedTo (5) | signedBy (5) | 0x01 | 0x0060 | signature (96) | extension length u16 = 0 |
 *  +----------------------------------------------------------------------------------------+
 *  thing types: 1 MAC (6 bytes), 2 IPv4 (4), 3 IPv6 (16)
 *  signed message: 7f x 8 | network .. signedBy | 0x0000 | 7f x 8
 * </pre>
 *
 * <p>ZeroTier leaves a certificate with more than 16 things in an undefined state; this parser
 * refuses it ({@link DropReason#TOO_MANY}). Immutable and thread-safe.
 */
public final class CertificateOfOwnership implements Comparable<CertificateOfOwnership> {

  public static final int MAX_THINGS = 16;
  public static final int THING_VALUE_LENGTH = 16;

  public static final int THING_NULL = 0;
  public static final int THING_MAC_ADDRESS = 1;
  public static final int THING_IPV4_ADDRESS = 2;
  public static final int THING_IPV6_ADDRESS = 3;

  /** One owned thing: its type and its 16-byte value (address bytes left-aligned). */
  public record Thing(int type, byte[] value) {
    public Thing {
      if (type < 0 || type > 0xFF) {
        throw new IllegalArgumentException("thing type is a byte: " + type);
      }
      if (value.length != THING_VALUE_LENGTH) {
        throw new IllegalArgumentException("thing value must be 16 bytes");
      }
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Thing t && t.type == type && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
      return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return type + ":" + java.util.HexFormat.of().formatHex(value);
    }
  }

  private final long networkId;
  private final long timestamp;
  private final long flags;
  private final long id;
  private final List<Thing> things;
  private final long issuedTo;
  private final long signedBy;
  private final byte[] signature;

  private CertificateOfOwnership(long networkId, long timestamp, long flags, long id, List<Thing> things,
      long issuedTo, long signedBy, byte[] signature) {
    this.networkId = networkId;
    this.timestamp = timestamp;
    this.flags = flags;
    this.id = id;
    this.things = List.copyOf(things);
    this.issuedTo = issuedTo;
    this.signedBy = signedBy;
    this.signature = signature;
  }

  /** An unsigned certificate with no things yet (add them with {@link #withThing}). */
  public static CertificateOfOwnership of(long networkId, long timestamp, long issuedTo, long id) {
    Tag.requireU32(id, "COO id");
    return new CertificateOfOwnership(networkId, timestamp, 0, id, List.of(), issuedTo & 0xFF_FFFF_FFFFL, 0,
        new byte[C25519.SIGNATURE_LENGTH]);
  }

  /**
   * An unsigned certificate listing {@code ips} (ports ignored), as ZeroTier's controller issues
   * one for a member's managed addresses.
   */
  public static CertificateOfOwnership forAddresses(long networkId, long timestamp, long issuedTo, long id,
      List<InetAddress> ips) {
    CertificateOfOwnership c = of(networkId, timestamp, issuedTo, id);
    for (InetAddress ip : ips) {
      c = c.withThing(ip);
    }
    return c;
  }

  /** This certificate (unsigned) plus an IP address (the port is ignored). */
  public CertificateOfOwnership withThing(InetAddress ip) {
    if (ip.isV4()) {
      return withThing(THING_IPV4_ADDRESS, ip.ip());
    }
    if (ip.isV6()) {
      return withThing(THING_IPV6_ADDRESS, ip.ip());
    }
    throw new IllegalArgumentException("only IPv4/IPv6 addresses can be owned");
  }

  /** This certificate (unsigned) plus a MAC address. */
  public CertificateOfOwnership withThing(MAC mac) {
    return withThing(THING_MAC_ADDRESS, mac.bytes());
  }

  private CertificateOfOwnership withThing(int type, byte[] raw) {
    if (things.size() >= MAX_THINGS) {
      throw new IllegalStateException("a certificate of ownership holds at most " + MAX_THINGS + " things");
    }
    List<Thing> t = new ArrayList<>(things);
    t.add(new Thing(type, Arrays.copyOf(raw, THING_VALUE_LENGTH)));
    return new CertificateOfOwnership(networkId, timestamp, flags, id, t, issuedTo, 0,
        new byte[C25519.SIGNATURE_LENGTH]);
  }

  public long networkId() {
    return networkId;
  }

  public long timestamp() {
    return timestamp;
  }

  public long flags() {
    return flags;
  }

  public long id() {
    return id;
  }

  public List<Thing> things() {
    return things;
  }

  public long issuedTo() {
    return issuedTo;
  }

  public long signedBy() {
    return signedBy;
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** Whether this certificate lists {@code ip} (port ignored). */
  public boolean owns(InetAddress ip) {
    if (ip.isV4()) {
      return owns(THING_IPV4_ADDRESS, ip.ip());
    }
    if (ip.isV6()) {
      return owns(THING_IPV6_ADDRESS, ip.ip());
    }
    return false;
  }

  /** Whether this certificate lists {@code mac}. */
  public boolean owns(MAC mac) {
    return owns(THING_MAC_ADDRESS, mac.bytes());
  }

  /** Whether an IPv4 ({@code raw.length == 4}) or IPv6 (16) address in network order is listed. */
  public boolean ownsIp(byte[] raw) {
    return owns(raw.length == 4 ? THING_IPV4_ADDRESS : THING_IPV6_ADDRESS, raw);
  }

  private boolean owns(int type, byte[] raw) {
    for (Thing t : things) {
      if (t.type == type && Arrays.equals(t.value, 0, raw.length, raw, 0, raw.length)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------

  /** Parses one certificate from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<CertificateOfOwnership> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "CertificateOfOwnership: range outside the buffer");
    }
    WireReader r = new WireReader(buf, off, len);
    try {
      CertificateOfOwnership c = read(r);
      return Parsed.ok(c, r.consumed());
    } catch (WireReader.Refused e) {
      return e.toParsed("CertificateOfOwnership");
    }
  }

  static CertificateOfOwnership read(WireReader r) {
    long nwid = r.u64("network id");
    long ts = r.u64("timestamp");
    long flags = r.u64("flags");
    long id = r.u32("id");
    int count = r.u16("thing count");
    if (count > MAX_THINGS) {
      throw WireReader.refuse(DropReason.TOO_MANY, count + " things, at most " + MAX_THINGS);
    }
    List<Thing> things = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int type = r.u8("thing type");
      things.add(new Thing(type, r.bytes(THING_VALUE_LENGTH, "thing value")));
    }
    long issuedTo = r.address("issued to");
    long signedBy = r.address("signed by");
    byte[] sig = CredentialWire.readSignature(r);
    CredentialWire.skipExtensions(r);
    return new CertificateOfOwnership(nwid, ts, flags, id, things, issuedTo, signedBy, sig);
  }

  void write(WireWriter w, boolean forSign) {
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
    w.u64(networkId).u64(timestamp).u64(flags).u32(id).u16(things.size());
    for (Thing t : things) {
      w.u8(t.type).bytes(t.value);
    }
    w.address(issuedTo).address(signedBy);
    if (!forSign) {
      CredentialWire.writeSignature(w, signature);
    }
    w.u16(0);
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
  }

  public int serializedLength() {
    return 8 + 8 + 8 + 4 + 2 + things.size() * (1 + THING_VALUE_LENGTH) + 5 + 5 + 1 + 2
        + C25519.SIGNATURE_LENGTH + 2;
  }

  public byte[] serialize() {
    WireWriter w = new WireWriter(serializedLength());
    write(w, false);
    return w.toByteArray();
  }

  public byte[] signedMessage() {
    WireWriter w = new WireWriter(serializedLength());
    write(w, true);
    return w.toByteArray();
  }

  /** This certificate signed by {@code signer} (which must hold its private key). */
  public CertificateOfOwnership sign(Identity signer) {
    CredentialWire.requirePrivate(signer);
    CertificateOfOwnership withSigner = new CertificateOfOwnership(networkId, timestamp, flags, id, things,
        issuedTo, signer.address().toLong(), signature);
    return new CertificateOfOwnership(networkId, timestamp, flags, id, things, issuedTo, withSigner.signedBy,
        signer.sign(withSigner.signedMessage()));
  }

  /** ZeroTier's check: signed by the controller of the network, with a valid signature. */
  public Verification verify(LongFunction<Identity> identities) {
    return CredentialWire.verifyByController(signedBy, networkId, signedMessage(), signature, identities);
  }
  /** {@link #verify(LongFunction)} with the controller's identity at hand: true only if valid. */
  public boolean verify(Identity controller) {
    return verify(CredentialWire.only(controller)).isOk();
  }


  @Override
  public int compareTo(CertificateOfOwnership o) {
    return Long.compare(id, o.id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificateOfOwnership c && c.networkId == networkId && c.timestamp == timestamp
        && c.flags == flags && c.id == id && c.things.equals(things) && c.issuedTo == issuedTo
        && c.signedBy == signedBy && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(networkId, timestamp, flags, id, things, issuedTo, signedBy);
  }

  @Override
  public String toString() {
    return "COO[id=" + id + " nwid=" + Long.toHexString(networkId) + " to=" + String.format("%010x", issuedTo)
        + " things=" + things + "]";
  }
}
