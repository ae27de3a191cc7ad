package io.zt4j.stack.wire;

/** Parsed Ethernet/IPv4 ARP packet (RFC 826). Addresses: MACs as longs, IPv4 as ints. */
public record ArpRepr(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
  public static ArpRepr parse(ArpPacket p) {
    return new ArpRepr(p.operation(), p.senderMac(), p.senderIp(), p.targetMac(), p.targetIp());
  }

  public int emit(byte[] buf, int off) {
    ArpPacket.write(buf, off, operation, senderMac, senderIp, targetMac, targetIp);
    return ArpPacket.LENGTH;
  }

  @Override
  public String toString() {
    return "ARP[op=" + operation + " " + MacAddress.toString(senderMac) + "/" + IpAddress.ofV4(senderIp)
        + " > " + MacAddress.toString(targetMac) + "/" + IpAddress.ofV4(targetIp) + "]";
  }
}
