package io.zt4j.stack.wire;

/** Parsed form of an Ethernet II header (VLAN tags are not re-emitted). */
public record EthernetRepr(long dst, long src, int etherType) {
  public static EthernetRepr parse(EthernetFrame f) {
    return new EthernetRepr(f.dst(), f.src(), f.etherType());
  }

  /** Writes the 14-byte header at {@code off}; returns the header length. */
  public int emit(byte[] buf, int off) {
    EthernetFrame.writeHeader(buf, off, dst, src, etherType);
    return EthernetFrame.HEADER_LEN;
  }

  @Override
  public String toString() {
    return "Ethernet[" + MacAddress.toString(src) + " > " + MacAddress.toString(dst) + " type=0x"
        + Integer.toHexString(etherType) + "]";
  }
}
