package io.zt4j.node.vl2;

import io.zt4j.node.wire.MAC;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * ZeroTier's flow rules engine ({@code _doZtFilter} of ZeroTier 1.14): evaluates one rule list —
 * a network's base rules or one capability's — against a frame.
 *
 * <p>A rule list is a sequence of MATCH entries each followed by an ACTION. Matches before an
 * action are ANDed (or ORed with the OR bit; the NOT bit inverts a match); an action with no
 * matches before it always applies. The first action whose matches hold decides:
 *
 * <ul>
 *   <li>ACCEPT: accept ({@link Result#SUPER_ACCEPT} if an earlier non-matching TEE/WATCH/REDIRECT
 *       named us as its target on an inbound frame);
 *   <li>DROP: drop — unless an earlier tag match on the outbound side could not be checked yet
 *       (we do not know the receiver's tag) and asked to skip one DROP, as ZeroTier does;
 *   <li>TEE / WATCH: send a copy (first {@code length} bytes, 0 = all) to the address and go on;
 *       on an inbound frame naming us, super-accept at once;
 *   <li>REDIRECT: deliver to the address instead ({@link Result#REDIRECT});
 *   <li>BREAK: stop with {@link Result#NO_MATCH} (the caller then tries capabilities);
 *   <li>PRIORITY: accept (QoS buckets are not implemented; ZeroTier 1.14 carries no bucket value
 *       on the wire either);
 *   <li>any other action code: no-op.
 * </ul>
 *
 * <p>ZeroTier 1.14 defines no DEBUG_LOG action (code 6 is PRIORITY); unknown match codes match
 * or not according to {@link NetworkConfig#FLAG_RULES_RESULT_OF_UNSUPPORTED_MATCH}. Where
 * ZeroTier reads a TCP header past the end of a short frame (TCP flags in CHARACTERISTICS), this
 * engine reads nothing instead.
 *
 * <p>Frames are the Ethernet payload (the IP packet, ARP message…) with the ether type and MACs
 * passed beside it, as in FRAME. Stateless apart from the random source used by
 * {@code MATCH_RANDOM}; not thread-safe because that source may not be.
 */
public final class RulesEngine {

  /** What a rule list decided. */
  public enum Result {
    /** No action applied (or BREAK): the caller goes on to capabilities. */
    NO_MATCH,
    DROP,
    /** Accept, but deliver to {@link Evaluation#destination()} instead. */
    REDIRECT,
    ACCEPT,
    /** Accept regardless of MAC/bridging checks: we are a TEE/WATCH/REDIRECT target. */
    SUPER_ACCEPT
  }

  /** Packet characteristics bits ({@code ZT_RULE_PACKET_CHARACTERISTICS_*}). */
  public static final long CHARACTERISTICS_INBOUND = 0x8000000000000000L;
  public static final long CHARACTERISTICS_MULTICAST = 0x4000000000000000L;
  public static final long CHARACTERISTICS_BROADCAST = 0x2000000000000000L;
  public static final long CHARACTERISTICS_SENDER_IP_AUTHENTICATED = 0x1000000000000000L;
  public static final long CHARACTERISTICS_SENDER_MAC_AUTHENTICATED = 0x0800000000000000L;
  public static final long CHARACTERISTICS_TCP_NS = 0x100L;
  public static final long CHARACTERISTICS_TCP_CWR = 0x80L;
  public static final long CHARACTERISTICS_TCP_ECE = 0x40L;
  public static final long CHARACTERISTICS_TCP_URG = 0x20L;
  public static final long CHARACTERISTICS_TCP_ACK = 0x10L;
  public static final long CHARACTERISTICS_TCP_PSH = 0x08L;
  public static final long CHARACTERISTICS_TCP_RST = 0x04L;
  public static final long CHARACTERISTICS_TCP_SYN = 0x02L;
  public static final long CHARACTERISTICS_TCP_FIN = 0x01L;

  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_ARP = 0x0806;
  public static final int ETHERTYPE_IPV6 = 0x86dd;

  /**
   * The frame being filtered and where it is going.
   *
   * @param inbound true for a frame received from a peer, false for one from our tap
   * @param ztSource sending member's address
   * @param ztDest receiving member's address, 0 if not known (multicast, bridged)
   * @param data frame bytes: {@code data[offset, offset+length)} is the Ethernet payload
   */
  public record Frame(boolean inbound, long ztSource, long ztDest, MAC macSource, MAC macDest, int etherType,
      int vlanId, byte[] data, int offset, int length) {
    public Frame {
      Objects.requireNonNull(macSource, "macSource");
      Objects.requireNonNull(macDest, "macDest");
      Objects.checkFromIndexSize(offset, length, data.length);
    }

    int at(int i) {
      return data[offset + i] & 0xFF;
    }
  }

  /**
   * Everything one evaluation produced: the result, the (possibly redirected) destination, and a
   * TEE/WATCH copy to send if any.
   */
  public static final class Evaluation {
    private Result result = Result.NO_MATCH;
    private long destination;
    private long teeTo;
    private int teeLength;
    private boolean teeWatch;

    public Result result() {
      return result;
    }

    /** The frame's destination after the rules ({@link Frame#ztDest()} unless redirected). */
    public long destination() {
      return destination;
    }

    /** Where a TEE/WATCH copy goes, 0 for none. */
    public long teeTo() {
      return teeTo;
    }

    /** How many bytes of the frame the copy carries. */
    public int teeLength() {
      return teeLength;
    }

    /** True for WATCH (the copy asks for an acknowledgement), false for TEE. */
    public boolean teeWatch() {
      return teeWatch;
    }

    @Override
    public String toString() {
      return result + (destination != 0 ? " dest=" + Long.toHexString(destination) : "")
          + (teeTo != 0 ? (teeWatch ? " watch=" : " tee=") + Long.toHexString(teeTo) + "/" + teeLength : "");
    }
  }

  /**
   * What the engine needs to know about the other member of the conversation (its credentials);
   * {@link Membership} implements it.
   */
  public interface RemoteCredentials {
    /** The other member's valid tag with this id, or null. */
    Tag tag(NetworkConfig config, long id);

    /** Whether the other member proved ownership of this IPv4 (4 bytes) or IPv6 (16) address. */
    boolean ownsIp(NetworkConfig config, byte[] ip);

    /** Whether the other member proved ownership of this MAC. */
    boolean ownsMac(NetworkConfig config, MAC mac);
  }

  private final long self;
  private final RandomGenerator random;

  /**
   * @param self our own ZeroTier address (TEE/REDIRECT targets naming us are recognised)
   * @param random source for {@code MATCH_RANDOM}
   */
  public RulesEngine(long self, RandomGenerator random) {
    this.self = self;
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Evaluates {@code rules} against {@code frame}.
   *
   * @param config our network config (our tags, COOs, flags)
   * @param remote the other member's credentials, or null if we have none
   */
  public Evaluation evaluate(NetworkConfig config, RemoteCredentials remote, Frame frame, List<Rule> rules) {
    Evaluation ev = new Evaluation();
    ev.destination = frame.ztDest();
    ev.result = run(config, remote, frame, rules, ev);
    return ev;
  }

  private Result run(NetworkConfig nc, RemoteCredentials remote, Frame f, List<Rule> rules, Evaluation ev) {
    boolean superAccept = false;
    boolean setMatches = true;
    boolean skipDrop = false;
    final boolean inbound = f.inbound();
    final int len = f.length();
    final int et = f.etherType();

    for (Rule rule : rules) {
      final int code = rule.code();
      if (code <= RuleType.ACTION_MAX_CODE) {
        if (setMatches) {
          switch (code) {
            case 6: // PRIORITY
              return Result.ACCEPT;
            case 0: // DROP
              if (skipDrop) {
                skipDrop = false;
                continue;
              }
              return Result.DROP;
            case 1: // ACCEPT
              return superAccept ? Result.SUPER_ACCEPT : Result.ACCEPT;
            case 2: // TEE
            case 3: // WATCH
            case 4: { // REDIRECT
              long fwd = rule.uint(0, 8) & 0xFF_FFFF_FFFFL;
              if (fwd == f.ztSource()) {
                // the source is the target: nothing to do
              } else if (fwd == self) {
                if (inbound) {
                  return Result.SUPER_ACCEPT;
                }
              } else if (fwd == ev.destination) {
                // already going there
              } else if (code == 4) {
                ev.destination = fwd;
                return Result.REDIRECT;
              } else {
                int l = (int) rule.uint(12, 2);
                ev.teeTo = fwd;
                ev.teeLength = l != 0 ? Math.min(len, l) : len;
                ev.teeWatch = code == 3;
              }
              continue;
            }
            case 5: // BREAK
              return Result.NO_MATCH;
            default:
              continue;
          }
        } else {
          // A TEE/WATCH/REDIRECT naming us on an inbound frame makes a later ACCEPT a super-accept.
          if (inbound && (code == 2 || code == 3 || code == 4)
              && (rule.uint(0, 8) & 0xFF_FFFF_FFFFL) == self) {
            superAccept = true;
          }
          setMatches = true;
          continue;
        }
      }

      if (!setMatches && !rule.or()) {
        continue; // AND with false stays false
      }

      final boolean hardYes = !rule.not();
      final boolean hardNo = rule.not();
      boolean m;
      switch (code) {
        case 24: // SOURCE_ZEROTIER_ADDRESS
          m = rule.uint(0, 5) == f.ztSource();
          break;
        case 25: // DEST_ZEROTIER_ADDRESS
          m = rule.uint(0, 5) == ev.destination;
          break;
        case 26: // VLAN_ID
          m = rule.uint(0, 2) == (f.vlanId() & 0xFFFF);
          break;
        case 27: // VLAN_PCP (not supported by ZeroTier: matches a zero value)
        case 28: // VLAN_DEI (likewise)
          m = rule.uint(0, 1) == 0;
          break;
        case 29: // MAC_SOURCE
          m = rule.uint(0, 6) == f.macSource().value();
          break;
        case 30: // MAC_DEST
          m = rule.uint(0, 6) == f.macDest().value();
          break;
        case 31: // IPV4_SOURCE
        case 32: // IPV4_DEST
          if (et == ETHERTYPE_IPV4 && len >= 20) {
            m = ipv4Contains(rule, f, code == 31 ? 12 : 16);
          } else {
            m = hardNo;
          }
          break;
        case 33: // IPV6_SOURCE
        case 34: // IPV6_DEST
          if (et == ETHERTYPE_IPV6 && len >= 40) {
            m = ipv6Contains(rule, f, code == 33 ? 8 : 24);
          } else {
            m = hardNo;
          }
          break;
        case 35: { // IP_TOS
          int mask = (int) rule.uint(0, 1);
          int lo = (int) rule.uint(1, 1);
          int hi = (int) rule.uint(2, 1);
          if (et == ETHERTYPE_IPV4 && len >= 20) {
            int tos = f.at(1) & mask;
            m = tos >= lo && tos <= hi;
          } else if (et == ETHERTYPE_IPV6 && len >= 40) {
            int tc = (((f.at(0) << 4) & 0xF0) | ((f.at(1) >> 4) & 0x0F)) & mask;
            m = tc >= lo && tc <= hi;
          } else {
            m = hardNo;
          }
          break;
        }
        case 36: { // IP_PROTOCOL
          int proto = (int) rule.uint(0, 1);
          if (et == ETHERTYPE_IPV4 && len >= 20) {
            m = proto == f.at(9);
          } else if (et == ETHERTYPE_IPV6) {
            long pp = ipv6Payload(f);
            m = pp >= 0 ? proto == (int) (pp & 0xFF) : hardNo;
          } else {
            m = hardNo;
          }
          break;
        }
        case 37: // ETHERTYPE
          m = rule.uint(0, 2) == (et & 0xFFFF);
          break;
        case 38: // ICMP
          m = icmp(rule, f, hardYes, hardNo);
          break;
        case 39: // IP_SOURCE_PORT_RANGE
        case 40: // IP_DEST_PORT_RANGE
          m = portRange(rule, f, code == 40, hardNo);
          break;
        case 41: { // CHARACTERISTICS
          long cf = characteristics(nc, remote, f);
          m = (cf & rule.uint(0, 8)) != 0;
          break;
        }
        case 42: // FRAME_SIZE_RANGE
          m = len >= rule.uint(0, 2) && len <= rule.uint(2, 2);
          break;
        case 43: // RANDOM
          m = Integer.toUnsignedLong(random.nextInt()) <= rule.uint(0, 4);
          break;
        case 44: // TAGS_DIFFERENCE
        case 45: // TAGS_BITWISE_AND
        case 46: // TAGS_BITWISE_OR
        case 47: // TAGS_BITWISE_XOR
        case 48: { // TAGS_EQUAL
          long id = rule.uint(0, 4);
          long v = rule.uint(4, 4);
          Tag local = nc.tag(id).orElse(null);
          if (local == null) {
            m = hardNo;
            break;
          }
          Tag rt = remote == null ? null : remote.tag(nc, id);
          if (rt != null) {
            long l = local.value();
            long r = rt.value();
            m = switch (code) {
              case 44 -> Math.abs(l - r) <= v;
              case 45 -> (l & r) == v;
              case 46 -> (l | r) == v;
              case 47 -> (l ^ r) == v;
              default -> l == v && r == v;
            };
          } else if (inbound && !superAccept) {
            m = hardNo;
          } else {
            // Outbound we may not know the receiver's tags yet; it filters on its side.
            skipDrop = true;
            m = hardYes;
          }
          break;
        }
        case 49: // TAG_SENDER
        case 50: { // TAG_RECEIVER
          long id = rule.uint(0, 4);
          long v = rule.uint(4, 4);
          if (superAccept) {
            skipDrop = true;
            m = hardYes;
          } else if ((code == 49 && inbound) || (code == 50 && !inbound)) {
            Tag rt = remote == null ? null : remote.tag(nc, id);
            if (rt != null) {
              m = rt.value() == v;
            } else if (code == 50) {
              skipDrop = true;
              m = hardYes;
            } else {
              m = hardNo;
            }
          } else {
            Tag local = nc.tag(id).orElse(null);
            m = local != null ? local.value() == v : hardNo;
          }
          break;
        }
        case 51: // INTEGER_RANGE
          m = integerRange(rule, f);
          break;
        default:
          m = nc.unsupportedMatchResult();
          break;
      }

      boolean r = m ^ rule.not();
      if (rule.or()) {
        setMatches |= r;
      } else {
        setMatches &= r;
      }
    }
    return Result.NO_MATCH;
  }

  // ---------------------------------------------------------------------------------------------

  private static boolean ipv4Contains(Rule rule, Frame f, int at) {
    int bits = (int) rule.uint(4, 1);
    if (bits == 0) {
      return true;
    }
    int net = (int) rule.uint(0, 4);
    int addr = (f.at(at) << 24) | (f.at(at + 1) << 16) | (f.at(at + 2) << 8) | f.at(at + 3);
    // Java's int shift takes the count mod 32, as the x86 shift ZeroTier compiles to.
    return (addr >>> (32 - bits)) == (net >>> (32 - bits));
  }

  private static boolean ipv6Contains(Rule rule, Frame f, int at) {
    int bits = (int) rule.uint(16, 1);
    long m0;
    long m1;
    if (bits == 0) {
      m0 = 0;
      m1 = 0;
    } else {
      // Java's long shift takes the count mod 64, as the x86 shift ZeroTier compiles to.
      m0 = bits >= 64 ? -1L : -1L << (64 - bits);
      m1 = bits <= 64 ? 0 : -1L << (128 - bits);
    }
    for (int i = 0; i < 16; i++) {
      int mask = (int) ((i < 8 ? m0 >>> (56 - 8 * i) : m1 >>> (56 - 8 * (i - 8))) & 0xFF);
      // ZeroTier compares the masked frame address with the rule's address as given.
      if ((f.at(at + i) & mask) != (int) rule.uint(i, 1)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The upper-layer protocol and its offset in an IPv6 packet after the extension headers
   * ZeroTier skips (hop-by-hop, routing, destination options, mobility): {@code proto | pos << 8},
   * or -1 if the packet is too short or malformed.
   */
  static long ipv6Payload(Frame f) {
    int len = f.length();
    if (len < 40) {
      return -1;
    }
    int pos = 40;
    int proto = f.at(6);
    while (pos <= len) {
      switch (proto) {
        case 0:
        case 43:
        case 60:
        case 135:
          if (pos + 8 > len) {
            return -1;
          }
          proto = f.at(pos);
          pos += f.at(pos + 1) * 8 + 8;
          break;
        default:
          return ((long) pos << 8) | proto;
      }
    }
    return -1;
  }

  private static boolean icmp(Rule rule, Frame f, boolean hardYes, boolean hardNo) {
    int type = (int) rule.uint(0, 1);
    int code = (int) rule.uint(1, 1);
    boolean checkCode = (rule.uint(2, 1) & 0x01) != 0;
    int len = f.length();
    int et = f.etherType();
    int at;
    if (et == ETHERTYPE_IPV4 && len >= 20) {
      if (f.at(9) != 0x01) {
        return hardNo;
      }
      at = (f.at(0) & 0xF) * 4;
    } else if (et == ETHERTYPE_IPV6) {
      long pp = ipv6Payload(f);
      if (pp < 0 || (pp & 0xFF) != 0x3a) {
        return hardNo;
      }
      at = (int) (pp >>> 8);
    } else {
      return hardNo;
    }
    if (len < at + 2) {
      return hardNo;
    }
    if (f.at(at) != type) {
      return hardNo;
    }
    return checkCode ? f.at(at + 1) == code : hardYes;
  }

  private static boolean portRange(Rule rule, Frame f, boolean dest, boolean hardNo) {
    long lo = rule.uint(0, 2);
    long hi = rule.uint(2, 2);
    int len = f.length();
    int et = f.etherType();
    if (et == ETHERTYPE_IPV4 && len >= 20) {
      int hl = 4 * (f.at(0) & 0xF);
      int p = -1;
      if (isPortProtocol(f.at(9)) && len > hl + 4) {
        int pos = hl + (dest ? 2 : 0);
        p = (f.at(pos) << 8) | f.at(pos + 1);
      }
      return p >= 0 && p >= lo && p <= hi;
    }
    if (et == ETHERTYPE_IPV6) {
      long pp = ipv6Payload(f);
      if (pp < 0) {
        return hardNo;
      }
      int pos = (int) (pp >>> 8);
      int p = -1;
      if (isPortProtocol((int) (pp & 0xFF)) && len > pos + 4) {
        pos += dest ? 2 : 0;
        p = (f.at(pos) << 8) | f.at(pos + 1);
      }
      return p > 0 && p >= lo && p <= hi; // ZeroTier: port 0 never matches over IPv6
    }
    return hardNo;
  }

  private static boolean isPortProtocol(int proto) {
    return proto == 0x06 || proto == 0x11 || proto == 0x84 || proto == 0x88; // TCP, UDP, SCTP, UDP-Lite
  }

  private static long characteristics(NetworkConfig nc, RemoteCredentials remote, Frame f) {
    long cf = f.inbound() ? CHARACTERISTICS_INBOUND : 0;
    if (f.macDest().isMulticast()) {
      cf |= CHARACTERISTICS_MULTICAST;
    }
    if (f.macDest().isBroadcast()) {
      cf |= CHARACTERISTICS_BROADCAST;
    }
    int len = f.length();
    int et = f.etherType();
    byte[] src = null;
    if (et == ETHERTYPE_IPV4 && len >= 20) {
      src = bytes(f, 12, 4);
    } else if (et == ETHERTYPE_IPV6 && len >= 40) {
      if (len >= 40 + 8 + 16 && f.at(6) == 0x3a && (f.at(40) == 0x87 || f.at(40) == 0x88)) {
        if (f.at(40) == 0x87) {
          // Neighbor solicitations carry no reliable source address: counted as authenticated.
          cf |= CHARACTERISTICS_SENDER_IP_AUTHENTICATED;
        } else {
          src = bytes(f, 48, 16); // neighbor advertisement: its target address
        }
      } else {
        src = bytes(f, 8, 16);
      }
    } else if (et == ETHERTYPE_ARP && len >= 28) {
      src = bytes(f, 14, 4);
    }
    if (f.inbound()) {
      if (remote != null) {
        if (src != null && remote.ownsIp(nc, src)) {
          cf |= CHARACTERISTICS_SENDER_IP_AUTHENTICATED;
        }
        if (remote.ownsMac(nc, f.macSource())) {
          cf |= CHARACTERISTICS_SENDER_MAC_AUTHENTICATED;
        }
      }
    } else {
      for (CertificateOfOwnership coo : nc.certificatesOfOwnership()) {
        if (src != null && coo.ownsIp(src)) {
          cf |= CHARACTERISTICS_SENDER_IP_AUTHENTICATED;
        }
        if (coo.owns(f.macSource())) {
          cf |= CHARACTERISTICS_SENDER_MAC_AUTHENTICATED;
        }
      }
    }
    if (et == ETHERTYPE_IPV4 && len >= 20 && f.at(9) == 0x06) {
      int hl = 4 * (f.at(0) & 0xF);
      if (hl + 14 <= len) {
        cf |= f.at(hl + 13);
        cf |= ((long) (f.at(hl + 12) & 0x0F)) << 8;
      }
    } else if (et == ETHERTYPE_IPV6) {
      long pp = ipv6Payload(f);
      if (pp >= 0 && (pp & 0xFF) == 0x06) {
        int pos = (int) (pp >>> 8);
        if (len > pos + 14) {
          cf |= f.at(pos + 13);
          cf |= ((long) (f.at(pos + 12) & 0x0F)) << 8;
        }
      }
    }
    return cf;
  }

  private static boolean integerRange(Rule rule, Frame f) {
    long start = rule.uint(0, 8);
    long end = (rule.uint(8, 8) - start) & 0xFFFF_FFFFL; // ZeroTier keeps the end as a 32-bit offset
    int idx = (int) rule.uint(16, 2);
    int format = (int) rule.uint(18, 1);
    int bits = (format & 63) + 1;
    int nbytes = (bits + 7) / 8;
    long v = 0;
    if ((format & 0x80) == 0) {
      int i = idx + (8 - nbytes); // as ZeroTier reads big-endian integers
      int eof = i + nbytes;
      if (eof <= f.length()) {
        while (i < eof) {
          v = (v << 8) | f.at(i++);
        }
      }
      v &= -1L >>> (64 - bits);
    } else {
      int i = idx;
      int eof = i + nbytes;
      if (eof <= f.length()) {
        while (i < eof) {
          v = (v >>> 8) | ((long) f.at(i++) << 56);
        }
      }
      v >>>= (64 - bits);
    }
    return Long.compareUnsigned(v, start) >= 0 && Long.compareUnsigned(v, start + end) <= 0;
  }

  private static byte[] bytes(Frame f, int at, int n) {
    byte[] b = new byte[n];
    System.arraycopy(f.data(), f.offset() + at, b, 0, n);
    return b;
  }
}
