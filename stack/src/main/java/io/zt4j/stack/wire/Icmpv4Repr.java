package io.zt4j.stack.wire;

import java.util.Arrays;

/**
 * Parsed ICMPv4 messages the stack handles. {@code data} is a copy: the echo payload, or the
 * quoted original datagram (its IP header and at least 8 bytes, RFC 792).
 */
public sealed interface Icmpv4Repr {
  int type();

  int code();

  byte[] data();

  /** Bytes 4..7 of the header. */
  int rest();

  default int bufferLength() {
    return Icmpv4Packet.HEADER_LEN + data().length;
  }

  /** Writes the message with its checksum at {@code off}; returns its length. */
  default int emit(byte[] buf, int off) {
    byte[] d = data();
    System.arraycopy(d, 0, buf, off + Icmpv4Packet.HEADER_LEN, d.length);
    Icmpv4Packet.write(buf, off, type(), code(), rest(), d.length);
    return bufferLength();
  }

  /** Parses a wrapped message; types we do not handle give {@code null}. */
  static Icmpv4Repr parse(Icmpv4Packet p) {
    byte[] data = Arrays.copyOfRange(p.buffer(), p.dataOffset(), p.dataOffset() + p.dataLength());
    return switch (p.type()) {
      case Icmpv4Packet.TYPE_ECHO_REQUEST -> new EchoRequest(p.echoIdentifier(), p.echoSequence(), data);
      case Icmpv4Packet.TYPE_ECHO_REPLY -> new EchoReply(p.echoIdentifier(), p.echoSequence(), data);
      case Icmpv4Packet.TYPE_DEST_UNREACHABLE -> new DestinationUnreachable(p.code(), p.nextHopMtu(), data);
      case Icmpv4Packet.TYPE_TIME_EXCEEDED -> new TimeExceeded(p.code(), data);
      case Icmpv4Packet.TYPE_PARAMETER_PROBLEM -> new ParameterProblem(p.pointer(), data);
      default -> null;
    };
  }

  record EchoRequest(int identifier, int sequence, byte[] data) implements Icmpv4Repr {
    public int type() {
      return Icmpv4Packet.TYPE_ECHO_REQUEST;
    }

    public int code() {
      return 0;
    }

    public int rest() {
      return (identifier << 16) | (sequence & 0xFFFF);
    }
  }

  record EchoReply(int identifier, int sequence, byte[] data) implements Icmpv4Repr {
    public int type() {
      return Icmpv4Packet.TYPE_ECHO_REPLY;
    }

    public int code() {
      return 0;
    }

    public int rest() {
      return (identifier << 16) | (sequence & 0xFFFF);
    }
  }

  /** @param nextHopMtu meaningful for code 4 (fragmentation needed), else 0 */
  record DestinationUnreachable(int code, int nextHopMtu, byte[] data) implements Icmpv4Repr {
    public int type() {
      return Icmpv4Packet.TYPE_DEST_UNREACHABLE;
    }

    public int rest() {
      return nextHopMtu & 0xFFFF;
    }
  }

  record TimeExceeded(int code, byte[] data) implements Icmpv4Repr {
    public int type() {
      return Icmpv4Packet.TYPE_TIME_EXCEEDED;
    }

    public int rest() {
      return 0;
    }
  }

  record ParameterProblem(int pointer, byte[] data) implements Icmpv4Repr {
    public int type() {
      return Icmpv4Packet.TYPE_PARAMETER_PROBLEM;
    }

    public int code() {
      return 0;
    }

    public int rest() {
      return pointer << 24;
    }
  }
}
