package io.zt4j.stack.wire;

/** EtherType values (IEEE 802 numbers registry) used by the stack. */
public final class EtherType {
  private EtherType() {}

  public static final int IPV4 = 0x0800;
  public static final int ARP = 0x0806;
  /** IEEE 802.1Q customer VLAN tag. */
  public static final int VLAN = 0x8100;
  /** IEEE 802.1ad service VLAN tag (Q-in-Q). */
  public static final int QINQ = 0x88A8;
  public static final int IPV6 = 0x86DD;
}
