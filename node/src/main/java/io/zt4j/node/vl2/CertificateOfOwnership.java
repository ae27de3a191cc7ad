package io.zt4j.node.vl2;

import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A certificate of ownership (COO): the controller's statement that a member owns some IP (or
 * MAC) addresses on a network, so peers accept its ARP/NDP claims. The controller issues one
 * per config for the member's assigned addresses.
 *
 * <pre>
 *  network id u64 | timestamp u64 | flags u64 | id u32 | thing count u16
 *  count × ( thing type u8 (1 MAC, 2 IPv4, 3 IPv6) | value, 16 bytes, zero padded )
 *  issued to (5) | signed by (5) | signature type u8 (1 = Ed25519) | signature length u16 | signature
 *  additional fields length u16 | additional fields
 * </pre>
 *
 * The signed message is the same layout without the signature type/length/signature, between
 * two {@code 0x7f7f7f7f7f7f7f7f} markers. Immutable.
 */
public final class CertificateOfOwnership {
  public static final int THING_MAC = 1;
  public static final int THING_IPV4 = 2;
  public static final int THING_IPV6 = 3;
  /** Most things one certificate holds. */
  public static final int MAX_THINGS = 16;

  /** One owned thing: its type and its (unpadded) value. */
  public record Thing(int type, byte[] value) {
    public Thing {
      value = value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Thing t && t.type == type && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
      return type * 31 + Arrays.hashCode(value);
    }
  }

  private static final long MARKER = 0x7f7f7f7f7f7f7f7fL;

  private final long networkId;
  private final long timestamp;
  private final long flags;
  private final int id;
  private final List<byte[]> things; // type byte + 16 value bytes each, as on the wire
  private final long issuedTo;
  private final long signedBy;
  private final byte[] signature; // empty when unsigned

  private CertificateOfOwnership(long networkId, long timestamp, long flags, int id, List<byte[]> things,
      long issuedTo, long signedBy, byte[] signature) {
    this.networkId = networkId;
    this.timestamp = timestamp;
    this.flags = flags;
    this.id = id;
    this.things = things;
    this.issuedTo = issuedTo;
    this.signedBy = signedBy;
    this.signature = signature;
  }

  /**
   * An unsigned certificate for {@code issuedTo} owning {@code ips} (at most {@link #MAX_THINGS};
   * ports ignored), as a controller issues it.
   */
  public static CertificateOfOwnership forAddresses(long networkId, long timestamp, long issuedTo, int id,
      List<InetAddress> ips) {
    List<byte[]> t = new ArrayList<>();
    for (InetAddress ip : ips) {
      if (t.size() >= MAX_THINGS || ip.isNil()) {
        continue;
      }
      byte[] e = new byte[17];
      e[0] = (byte) (ip.isV4() ? THING_IPV4 : THING_IPV6);
      byte[] a = ip.ip();
      System.arraycopy(a, 0, e, 1, a.length);
      t.add(e);
    }
    return new CertificateOfOwnership(networkId, timestamp, 0, id, List.copyOf(t), issuedTo & 0xffffffffffL, 0, new byte[0]);
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

  public int id() {
    return id;
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

  /** The owned things in order. */
  public List<Thing> things() {
    List<Thing> out = new ArrayList<>(things.size());
    for (byte[] e : things) {
      int type = e[0] & 0xff;
      int len = type == THING_MAC ? 6 : type == THING_IPV4 ? 4 : 16;
      out.add(new Thing(type, Arrays.copyOfRange(e, 1, 1 + len)));
    }
    return out;
  }

  /** True if this certificate lists {@code ip} (its port ignored). */
  public boolean owns(InetAddress ip) {
    if (ip.isNil()) {
      return false;
    }
    Thing want = new Thing(ip.isV4() ? THING_IPV4 : THING_IPV6, ip.ip());
    return things().contains(want);
  }

  /** This certificate signed by {@code signer}, which must hold its private key. */
  public CertificateOfOwnership sign(Identity signer) {
    long by = signer.address().toLong();
    CertificateOfOwnership unsigned = new CertificateOfOwnership(networkId, timestamp, flags, id, things, issuedTo, by, new byte[0]);
    return new CertificateOfOwnership(networkId, timestamp, flags, id, things, issuedTo, by,
        signer.sign(unsigned.signedMessage()));
  }

  /** True if signed by {@code signer} (whose address must be the signer's) with a valid signature. */
  public boolean verify(Identity signer) {
    if (signedBy == 0 || signer.address().toLong() != signedBy || signature.length == 0) {
      return false;
    }
    byte[] m = signedMessage();
    return signer.verify(m, 0, m.length, signature, 0, signature.length);
  }

  /** The message the signature covers. */
  public byte[] signedMessage() {
    byte[] b = new byte[8 + body() + 2 + 8];
    int p = putU64(b, 0, MARKER);
    p = writeBody(b, p);
    p += 2; // additional fields length 0
    putU64(b, p, MARKER);
    return b;
  }

  public int serializedLength() {
    return body() + 1 + 2 + signature.length + 2;
  }

  public byte[] serialize() {
    byte[] b = new byte[serializedLength()];
    int p = writeBody(b, 0);
    b[p++] = 1;
    b[p++] = (byte) (signature.length >>> 8);
    b[p++] = (byte) signature.length;
    System.arraycopy(signature, 0, b, p, signature.length);
    return b;
  }

  /** Parses one certificate from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<CertificateOfOwnership> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "COO: range outside the buffer");
    }
    int end = off + len;
    if (len < 30) {
      return Parsed.dropped(DropReason.TRUNCATED, "COO: header truncated");
    }
    long nwid = u64(buf, off);
    long ts = u64(buf, off + 8);
    long flags = u64(buf, off + 16);
    int id = (int) u32(buf, off + 24);
    int count = u16(buf, off + 28);
    int p = off + 30;
    if (count > MAX_THINGS) {
      return Parsed.dropped(DropReason.TOO_MANY, "COO: " + count + " things");
    }
    if (end - p < count * 17 + 10 + 3) {
      return Parsed.dropped(DropReason.TRUNCATED, "COO: things truncated");
    }
    List<byte[]> things = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      things.add(Arrays.copyOfRange(buf, p, p + 17));
      p += 17;
    }
    long issuedTo = Address.toLong(buf, p);
    long signedBy = Address.toLong(buf, p + 5);
    p += 10;
    int sigType = buf[p++] & 0xff;
    int sigLen = u16(buf, p);
    p += 2;
    if (sigType == 1 && sigLen != 96) {
      return Parsed.dropped(DropReason.MALFORMED, "COO: Ed25519 signature of " + sigLen + " bytes");
    }
    if (end - p < sigLen + 2) {
      return Parsed.dropped(DropReason.TRUNCATED, "COO: signature truncated");
    }
    byte[] sig = sigType == 1 ? Arrays.copyOfRange(buf, p, p + sigLen) : new byte[0];
    p += sigLen;
    int extra = u16(buf, p);
    p += 2;
    if (end - p < extra) {
      return Parsed.dropped(DropReason.TRUNCATED, "COO: additional fields truncated");
    }
    p += extra;
    return Parsed.ok(new CertificateOfOwnership(nwid, ts, flags, id, List.copyOf(things), issuedTo, signedBy, sig), p - off);
  }

  private int body() {
    return 30 + things.size() * 17 + 10;
  }

  private int writeBody(byte[] b, int p) {
    p = putU64(b, p, networkId);
    p = putU64(b, p, timestamp);
    p = putU64(b, p, flags);
    b[p++] = (byte) (id >>> 24);
    b[p++] = (byte) (id >>> 16);
    b[p++] = (byte) (id >>> 8);
    b[p++] = (byte) id;
    b[p++] = (byte) (things.size() >>> 8);
    b[p++] = (byte) things.size();
    for (byte[] t : things) {
      System.arraycopy(t, 0, b, p, 17);
      p += 17;
    }
    Address.write(issuedTo, b, p);
    Address.write(signedBy, b, p + 5);
    return p + 10;
  }

  static int putU64(byte[] b, int p, long v) {
    for (int i = 7; i >= 0; i--) {
      b[p + i] = (byte) v;
      v >>>= 8;
    }
    return p + 8;
  }

  static long u64(byte[] b, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[p + i] & 0xff);
    }
    return v;
  }

  static long u32(byte[] b, int p) {
    return ((b[p] & 0xffL) << 24) | ((b[p + 1] & 0xffL) << 16) | ((b[p + 2] & 0xffL) << 8) | (b[p + 3] & 0xffL);
  }

  static int u16(byte[] b, int p) {
    return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificateOfOwnership c && Arrays.equals(c.serialize(), serialize());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(serialize());
  }
}
