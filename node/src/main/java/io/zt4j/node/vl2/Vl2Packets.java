package io.zt4j.node.vl2;

import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.node.wire.Parsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Payloads (the bytes after the verb byte, decompressed) of the VL2 verbs, parsed from untrusted
 * bytes and written as ZeroTier 1.14 writes them. Integers are big-endian. Frame-carrying records
 * refer to the parsed buffer ({@code data, offset, length}) instead of copying the frame; they
 * are valid while that buffer is.
 */
public final class Vl2Packets {
  private Vl2Packets() {}

  /** EXT_FRAME flag: a COM follows the flags (deprecated, still read). */
  public static final int EXT_FRAME_FLAG_COM = 0x01;
  /** EXT_FRAME flag: the sender asks for OK(EXT_FRAME). */
  public static final int EXT_FRAME_FLAG_ACK = 0x10;

  /** MULTICAST_FRAME flag: a COM follows the flags (deprecated, still read). */
  public static final int MULTICAST_FRAME_FLAG_COM = 0x01;
  /** MULTICAST_FRAME flag: an implicit gather limit is present. */
  public static final int MULTICAST_FRAME_FLAG_GATHER_LIMIT = 0x02;
  /** MULTICAST_FRAME flag: the source MAC is present (else it is the sender's MAC). */
  public static final int MULTICAST_FRAME_FLAG_SOURCE_MAC = 0x04;
  /** MULTICAST_FRAME flag: please replicate (sent to a multicast replicator). */
  public static final int MULTICAST_FRAME_FLAG_REPLICATE = 0x08;

  /** MULTICAST_GATHER flag: a COM follows the gather limit. */
  public static final int MULTICAST_GATHER_FLAG_COM = 0x01;

  private static <T> Parsed<T> refused(WireReader.Refused e, String what) {
    return Parsed.dropped(e.reason(), what + ": " + e.getMessage());
  }

  private static WireReader reader(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw WireReader.refuse(DropReason.MALFORMED, "range outside the buffer");
    }
    return new WireReader(buf, off, len);
  }

  private static CertificateOfMembership readCom(WireReader r) {
    Parsed<CertificateOfMembership> c = CertificateOfMembership.parse(r.buffer(), r.position(), r.remaining());
    if (c instanceof Parsed.Dropped<CertificateOfMembership> d) {
      throw WireReader.refuse(d.reason(), "COM: " + d.detail());
    }
    r.skip(c.length(), "COM");
    return c.value();
  }

  private static MulticastGroup readGroup(WireReader r) {
    MAC mac = new MAC(r.u16("group MAC") * 0x1_0000_0000L + r.u32("group MAC"));
    return new MulticastGroup(mac, r.u32("group ADI"));
  }

  private static void writeGroup(WireWriter w, MulticastGroup g) {
    w.u16((int) (g.mac().value() >>> 32)).u32(g.mac().value()).u32(g.adi());
  }

  private static MAC readMac(WireReader r, String what) {
    return new MAC(r.u16(what) * 0x1_0000_0000L + r.u32(what));
  }

  private static void writeMac(WireWriter w, MAC m) {
    w.u16((int) (m.value() >>> 32)).u32(m.value());
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * FRAME: a unicast frame between members; the MACs follow from the ZeroTier addresses.
   *
   * <pre>network id u64 | ether type u16 | frame</pre>
   */
  public record Frame(long networkId, int etherType, byte[] data, int offset, int length) {
    public static final int HEADER_LENGTH = 10;

    public static Parsed<Frame> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        int et = r.u16("ether type");
        return Parsed.ok(new Frame(nwid, et, buf, r.position(), r.remaining()), len);
      } catch (WireReader.Refused e) {
        return refused(e, "FRAME");
      }
    }

    public static byte[] serialize(long networkId, int etherType, byte[] frame, int off, int len) {
      return new WireWriter(HEADER_LENGTH + len).u64(networkId).u16(etherType).bytes(frame, off, len).toByteArray();
    }
  }

  /**
   * EXT_FRAME: a frame with full MAC addressing (bridged, TEE/WATCH/REDIRECT copies).
   *
   * <pre>
   *  network id u64 | flags u8 | [COM if flags &amp; 0x01] | destination MAC (6) | source MAC (6) |
   *  ether type u16 | frame
   *  flags: 0x01 COM attached, 0x02/0x04/0x08 subtype bits (TEE, REDIRECT, WATCH…), 0x10 ACK wanted
   * </pre>
   */
  public record ExtFrame(long networkId, int flags, CertificateOfMembership com, MAC destination, MAC source,
      int etherType, byte[] data, int offset, int length) {

    public static Parsed<ExtFrame> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        int flags = r.u8("flags");
        CertificateOfMembership c = (flags & EXT_FRAME_FLAG_COM) != 0 ? readCom(r) : null;
        MAC to = readMac(r, "destination MAC");
        MAC from = readMac(r, "source MAC");
        int et = r.u16("ether type");
        return Parsed.ok(new ExtFrame(nwid, flags, c, to, from, et, buf, r.position(), r.remaining()), len);
      } catch (WireReader.Refused e) {
        return refused(e, "EXT_FRAME");
      }
    }

    /** An EXT_FRAME payload without COM. */
    public static byte[] serialize(long networkId, int flags, MAC destination, MAC source, int etherType, byte[] frame,
        int off, int len) {
      WireWriter w = new WireWriter(23 + len).u64(networkId).u8(flags & ~EXT_FRAME_FLAG_COM);
      writeMac(w, destination);
      writeMac(w, source);
      return w.u16(etherType).bytes(frame, off, len).toByteArray();
    }
  }

  /** One MULTICAST_LIKE entry: a network and a group. */
  public record Like(long networkId, MulticastGroup group) {}

  /** MULTICAST_LIKE: {@code (network id u64 | MAC (6) | ADI u32)*}, 18 bytes each. */
  public static final class MulticastLike {
    private MulticastLike() {}

    public static final int ENTRY_LENGTH = 18;

    /** The entries; a trailing partial entry is refused. */
    public static Parsed<List<Like>> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        List<Like> out = new ArrayList<>(len / ENTRY_LENGTH);
        while (r.remaining() > 0) {
          long nwid = r.u64("network id");
          out.add(new Like(nwid, readGroup(r)));
        }
        return Parsed.ok(out, len);
      } catch (WireReader.Refused e) {
        return refused(e, "MULTICAST_LIKE");
      }
    }

    public static byte[] serialize(List<Like> likes) {
      WireWriter w = new WireWriter(likes.size() * ENTRY_LENGTH);
      for (Like l : likes) {
        w.u64(l.networkId());
        writeGroup(w, l.group());
      }
      return w.toByteArray();
    }
  }

  /**
   * NETWORK_CREDENTIALS: credentials pushed by anyone, for any networks.
   *
   * <pre>
   *  COM* | 0x00 | capability count u16 | capabilities | tag count u16 | tags |
   *  revocation count u16 | revocations | COO count u16 | COOs
   *  (older senders may end after the 0x00 or after any count section)
   * </pre>
   */
  public record NetworkCredentials(List<CertificateOfMembership> coms, List<Capability> capabilities, List<Tag> tags,
      List<Revocation> revocations, List<CertificateOfOwnership> certificatesOfOwnership) {

    public NetworkCredentials {
      coms = List.copyOf(coms);
      capabilities = List.copyOf(capabilities);
      tags = List.copyOf(tags);
      revocations = List.copyOf(revocations);
      certificatesOfOwnership = List.copyOf(certificatesOfOwnership);
    }

    /** A count above this is refused (more than fit in a packet). */
    static final int MAX_COUNT = 1024;

    public static Parsed<NetworkCredentials> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        List<CertificateOfMembership> coms = new ArrayList<>();
        while (r.remaining() > 0 && (buf[r.position()] & 0xFF) != 0) {
          coms.add(readCom(r));
        }
        List<Capability> caps = new ArrayList<>();
        List<Tag> tags = new ArrayList<>();
        List<Revocation> revs = new ArrayList<>();
        List<CertificateOfOwnership> coos = new ArrayList<>();
        if (r.remaining() > 0) {
          r.skip(1, "COM terminator");
        }
        if (r.remaining() > 0) {
          for (int n = count(r, "capabilities"), i = 0; i < n; i++) {
            caps.add(Capability.read(r));
          }
        }
        if (r.remaining() > 0) {
          for (int n = count(r, "tags"), i = 0; i < n; i++) {
            tags.add(Tag.read(r));
          }
        }
        if (r.remaining() > 0) {
          for (int n = count(r, "revocations"), i = 0; i < n; i++) {
            revs.add(Revocation.read(r));
          }
        }
        if (r.remaining() > 0) {
          for (int n = count(r, "certificates of ownership"), i = 0; i < n; i++) {
            coos.add(CertificateOfOwnership.read(r));
          }
        }
        return Parsed.ok(new NetworkCredentials(coms, caps, tags, revs, coos), r.consumed());
      } catch (WireReader.Refused e) {
        return refused(e, "NETWORK_CREDENTIALS");
      }
    }

    private static int count(WireReader r, String what) {
      int n = r.u16(what + " count");
      if (n > MAX_COUNT) {
        throw WireReader.refuse(DropReason.TOO_MANY, n + " " + what);
      }
      return n;
    }

    /** The payload with every section present, as ZeroTier 1.14 writes it. */
    public byte[] serialize() {
      WireWriter w = new WireWriter(512);
      for (CertificateOfMembership c : coms) {
        w.bytes(c.serialize());
      }
      w.u8(0);
      w.u16(capabilities.size());
      for (Capability c : capabilities) {
        c.write(w, false);
      }
      w.u16(tags.size());
      for (Tag t : tags) {
        t.write(w, false);
      }
      w.u16(revocations.size());
      for (Revocation v : revocations) {
        v.write(w, false);
      }
      w.u16(certificatesOfOwnership.size());
      for (CertificateOfOwnership c : certificatesOfOwnership) {
        c.write(w, false);
      }
      return w.toByteArray();
    }
  }

  /**
   * NETWORK_CONFIG_REQUEST.
   *
   * <pre>
   *  network id u64 | metadata length u16 | metadata dictionary |
   *  revision u64 | timestamp u64          (of the config the requester has; 0 if none)
   * </pre>
   *
   * Old requesters may stop after the network id or the metadata; missing fields read as 0/empty.
   */
  public record ConfigRequest(long networkId, Dictionary metadata, long haveRevision, long haveTimestamp) {
    public ConfigRequest {
      Objects.requireNonNull(metadata, "metadata");
    }

    public static Parsed<ConfigRequest> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        Dictionary md = Dictionary.empty();
        long rev = 0;
        long ts = 0;
        if (r.remaining() >= 2) {
          int mdLen = r.u16("metadata length");
          int at = r.position();
          r.skip(mdLen, "metadata");
          Parsed<Dictionary> d = Dictionary.parse(buf, at, mdLen, Dictionary.METADATA_CAPACITY);
          if (!d.isOk()) {
            return d.asDropped();
          }
          md = d.value();
          if (r.remaining() >= 16) {
            rev = r.u64("revision");
            ts = r.u64("timestamp");
          }
        }
        return Parsed.ok(new ConfigRequest(nwid, md, rev, ts), r.consumed());
      } catch (WireReader.Refused e) {
        return refused(e, "NETWORK_CONFIG_REQUEST");
      }
    }

    public byte[] serialize() {
      byte[] md = metadata.serialize();
      return new WireWriter(26 + md.length).u64(networkId).u16(md.length).bytes(md).u64(haveRevision)
          .u64(haveTimestamp).toByteArray();
    }
  }

  /**
   * MULTICAST_GATHER: asks for members of a group.
   *
   * <pre>network id u64 | flags u8 | MAC (6) | ADI u32 | gather limit u32 | [COM if flags &amp; 0x01]</pre>
   */
  public record MulticastGather(long networkId, int flags, MulticastGroup group, long gatherLimit,
      CertificateOfMembership com) {

    public static Parsed<MulticastGather> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        int flags = r.u8("flags");
        MulticastGroup g = readGroup(r);
        long limit = r.u32("gather limit");
        CertificateOfMembership c = null;
        if ((flags & MULTICAST_GATHER_FLAG_COM) != 0 && r.remaining() > 0) {
          c = readCom(r);
        }
        return Parsed.ok(new MulticastGather(nwid, flags, g, limit, c), r.consumed());
      } catch (WireReader.Refused e) {
        return refused(e, "MULTICAST_GATHER");
      }
    }

    public byte[] serialize() {
      WireWriter w = new WireWriter(32 + (com == null ? 0 : com.serializedLength()));
      w.u64(networkId).u8(com != null ? (flags | MULTICAST_GATHER_FLAG_COM) : (flags & ~MULTICAST_GATHER_FLAG_COM));
      writeGroup(w, group);
      w.u32(gatherLimit);
      if (com != null) {
        w.bytes(com.serialize());
      }
      return w.toByteArray();
    }
  }

  /**
   * Gather results, in OK(MULTICAST_GATHER) and OK(MULTICAST_FRAME):
   * {@code total known u32 | count u16 | count x address (5)}.
   */
  public record GatherResults(long totalKnown, List<Long> members) {
    public GatherResults {
      members = List.copyOf(members);
    }

    static GatherResults read(WireReader r) {
      long total = r.u32("total known");
      int n = r.u16("member count");
      List<Long> m = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        m.add(r.address("member"));
      }
      return new GatherResults(total, m);
    }

    void write(WireWriter w) {
      w.u32(totalKnown).u16(members.size());
      for (long a : members) {
        w.address(a);
      }
    }
  }

  /**
   * OK(MULTICAST_GATHER) payload after the in-re fields:
   * {@code network id u64 | MAC (6) | ADI u32 | gather results}.
   */
  public record MulticastGatherOk(long networkId, MulticastGroup group, GatherResults results) {
    public static Parsed<MulticastGatherOk> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        MulticastGroup g = readGroup(r);
        return Parsed.ok(new MulticastGatherOk(nwid, g, GatherResults.read(r)), r.consumed());
      } catch (WireReader.Refused e) {
        return refused(e, "OK(MULTICAST_GATHER)");
      }
    }

    public byte[] serialize() {
      WireWriter w = new WireWriter(32 + 5 * results.members().size()).u64(networkId);
      writeGroup(w, group);
      results.write(w);
      return w.toByteArray();
    }
  }

  /**
   * MULTICAST_FRAME.
   *
   * <pre>
   *  network id u64 | flags u8 | [COM if 0x01] | [gather limit u32 if 0x02] | [source MAC if 0x04] |
   *  destination MAC (6) | ADI u32 | ether type u16 | frame
   * </pre>
   */
  public record MulticastFrame(long networkId, int flags, CertificateOfMembership com, long gatherLimit,
      MAC source, MulticastGroup group, int etherType, byte[] data, int offset, int length) {

    public static Parsed<MulticastFrame> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        int flags = r.u8("flags");
        CertificateOfMembership c = (flags & MULTICAST_FRAME_FLAG_COM) != 0 ? readCom(r) : null;
        long limit = (flags & MULTICAST_FRAME_FLAG_GATHER_LIMIT) != 0 ? r.u32("gather limit") : 0;
        MAC src = (flags & MULTICAST_FRAME_FLAG_SOURCE_MAC) != 0 ? readMac(r, "source MAC") : null;
        MulticastGroup g = readGroup(r);
        int et = r.u16("ether type");
        return Parsed.ok(new MulticastFrame(nwid, flags, c, limit, src, g, et, buf, r.position(), r.remaining()), len);
      } catch (WireReader.Refused e) {
        return refused(e, "MULTICAST_FRAME");
      }
    }

    /**
     * A MULTICAST_FRAME payload as ZeroTier's {@code OutboundMulticast} writes it.
     *
     * @param gatherLimit implicit gather limit, 0 for none
     * @param source the bridged source MAC, or null when it is the sender's own MAC
     */
    public static byte[] serialize(long networkId, int extraFlags, long gatherLimit, MAC source,
        MulticastGroup group, int etherType, byte[] frame, int off, int len) {
      int flags = extraFlags & MULTICAST_FRAME_FLAG_REPLICATE;
      if (gatherLimit != 0) {
        flags |= MULTICAST_FRAME_FLAG_GATHER_LIMIT;
      }
      if (source != null) {
        flags |= MULTICAST_FRAME_FLAG_SOURCE_MAC;
      }
      WireWriter w = new WireWriter(35 + len).u64(networkId).u8(flags);
      if (gatherLimit != 0) {
        w.u32(gatherLimit);
      }
      if (source != null) {
        writeMac(w, source);
      }
      writeGroup(w, group);
      return w.u16(etherType).bytes(frame, off, len).toByteArray();
    }
  }

  /**
   * OK(MULTICAST_FRAME) payload after the in-re fields:
   * {@code network id u64 | MAC (6) | ADI u32 | flags u8 | [COM if 0x01] | [gather results if 0x02]}.
   */
  public record MulticastFrameOk(long networkId, MulticastGroup group, int flags, CertificateOfMembership com,
      GatherResults results) {
    public static Parsed<MulticastFrameOk> parse(byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        MulticastGroup g = readGroup(r);
        int flags = r.u8("flags");
        CertificateOfMembership c = (flags & 0x01) != 0 ? readCom(r) : null;
        GatherResults res = (flags & 0x02) != 0 ? GatherResults.read(r) : null;
        return Parsed.ok(new MulticastFrameOk(nwid, g, flags, c, res), r.consumed());
      } catch (WireReader.Refused e) {
        return refused(e, "OK(MULTICAST_FRAME)");
      }
    }

    public byte[] serialize() {
      WireWriter w = new WireWriter(64).u64(networkId);
      writeGroup(w, group);
      w.u8((com != null ? 0x01 : 0) | (results != null ? 0x02 : 0));
      if (com != null) {
        w.bytes(com.serialize());
      }
      if (results != null) {
        results.write(w);
      }
      return w.toByteArray();
    }
  }

  /**
   * The payload VL2 errors carry after the error code: {@code network id u64}, then for
   * UNWANTED_MULTICAST {@code MAC (6) | ADI u32}, for NETWORK_AUTHENTICATION_REQUIRED
   * {@code length u16 | dictionary}.
   */
  public record NetworkError(long networkId, MulticastGroup group, Dictionary authInfo) {
    public static Parsed<NetworkError> parse(int errorCode, byte[] buf, int off, int len) {
      try {
        WireReader r = reader(buf, off, len);
        long nwid = r.u64("network id");
        MulticastGroup g = null;
        Dictionary auth = null;
        if (errorCode == 0x08 && r.remaining() >= 10) {
          g = readGroup(r);
        } else if (errorCode == 0x09 && r.remaining() > 2) {
          int n = r.u16("auth info length");
          if (n <= r.remaining()) {
            Parsed<Dictionary> d = Dictionary.parse(buf, r.position(), n, 8192);
            r.skip(n, "auth info");
            auth = d.isOk() ? d.value() : Dictionary.empty();
          }
        }
        return Parsed.ok(new NetworkError(nwid, g, auth), r.consumed());
      } catch (WireReader.Refused e) {
        return refused(e, "ERROR");
      }
    }

    public byte[] serialize() {
      WireWriter w = new WireWriter(32).u64(networkId);
      if (group != null) {
        writeGroup(w, group);
      }
      if (authInfo != null) {
        byte[] d = authInfo.serialize();
        w.u16(d.length).bytes(d);
      }
      return w.toByteArray();
    }
  }
}
