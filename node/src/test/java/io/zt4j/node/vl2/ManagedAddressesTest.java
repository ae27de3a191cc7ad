package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.wire.InetAddress;
import org.junit.jupiter.api.Test;

/** RFC 4193 and 6PLANE addresses as ZeroTier One derived them in the lab (README of the vectors). */
class ManagedAddressesTest {
  static final long NWID = 0x2b53dd2a51a1b2c3L;

  @Test
  void labMembersAddresses() {
    assertThat(ManagedAddresses.rfc4193(NWID, 0xd5f97e2e50L).toString())
        .isEqualTo("fd2b:53dd:2a51:a1b2:c399:93d5:f97e:2e50/88");
    assertThat(ManagedAddresses.sixPlane(NWID, 0xd5f97e2e50L).toString()).isEqualTo("fc7a:f26f:e9d5:f97e:2e50::1/40");
    assertThat(ManagedAddresses.rfc4193(NWID, 0xfb8e8ac629L).toString())
        .isEqualTo("fd2b:53dd:2a51:a1b2:c399:93fb:8e8a:c629/88");
    assertThat(ManagedAddresses.sixPlane(NWID, 0xfb8e8ac629L).toString()).isEqualTo("fc7a:f26f:e9fb:8e8a:c629::1/40");
  }

  @Test
  void embeddedAddressComesBackOut() {
    for (InetAddress a : new InetAddress[] {ManagedAddresses.rfc4193(NWID, 0xd5f97e2e50L),
        ManagedAddresses.sixPlane(NWID, 0xd5f97e2e50L)}) {
      assertThat(ManagedAddresses.embeddedAddress(NWID, a.ip())).isEqualTo(0xd5f97e2e50L);
    }
    assertThat(ManagedAddresses.embeddedAddress(NWID, InetAddress.fromIpString("fd00::1").orElseThrow().ip())).isZero();
    assertThat(ManagedAddresses.embeddedAddress(NWID + 1, ManagedAddresses.rfc4193(NWID, 5).ip())).isZero();
  }
}
