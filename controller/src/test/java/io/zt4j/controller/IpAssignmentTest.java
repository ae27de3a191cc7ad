package io.zt4j.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.controller.model.IpPool;
import io.zt4j.controller.model.Route;
import io.zt4j.controller.net.IpAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Address picks and derivations against ZeroTier's, edge cases of the pools included. */
class IpAssignmentTest {
  static final long LAB_NWID = 0x2b53dd2a51a1b2c3L;
  static final long LAB_A = 0xd5f97e2e50L;
  static final long LAB_B = 0xfb8e8ac629L;

  static IpAddress ip(String s) {
    return IpAddress.parseOrThrow(s);
  }

  static IpPool pool(String start, String end) {
    return new IpPool(ip(start), ip(end));
  }

  static Route route(String target) {
    return new Route(ip(target), null);
  }

  @Test
  void labMembersGetTheAddressesZeroTierOneGaveThem() {
    // From the lab (shared/zt-vectors README): pool .1-.254, route /24; a got .233, b .146.
    List<IpPool> pools = List.of(pool("10.147.17.1", "10.147.17.254"));
    List<Route> routes = List.of(route("10.147.17.0/24"));
    assertThat(IpAssignment.pickIpv4(pools, routes, LAB_A, Set.of())).contains(ip("10.147.17.233/24"));
    assertThat(IpAssignment.pickIpv4(pools, routes, LAB_B, Set.of())).contains(ip("10.147.17.146/24"));
    assertThat(IpAssignment.rfc4193(LAB_NWID, LAB_A).toIpString()).isEqualTo("fd2b:53dd:2a51:a1b2:c399:93d5:f97e:2e50");
    assertThat(IpAssignment.rfc4193(LAB_NWID, LAB_A).port()).isEqualTo(88);
    assertThat(IpAssignment.sixPlane(LAB_NWID, LAB_B).toIpString()).isEqualTo("fc7a:f26f:e9fb:8e8a:c629::1");
    assertThat(IpAssignment.sixPlane(LAB_NWID, LAB_B).port()).isEqualTo(40);
  }

  @Test
  void aTakenAddressMovesTheMemberToTheNextFreeOne() {
    List<IpPool> pools = List.of(pool("10.147.17.1", "10.147.17.254"));
    List<Route> routes = List.of(route("10.147.17.0/24"));
    assertThat(IpAssignment.pickIpv4(pools, routes, LAB_A, Set.of(ip("10.147.17.233"))))
        .contains(ip("10.147.17.234/24"));
  }

  @Test
  void aOneAddressPoolHandsOutThatAddressOnce() {
    List<IpPool> pools = List.of(pool("10.0.0.7", "10.0.0.7"));
    List<Route> routes = List.of(route("10.0.0.0/24"));
    assertThat(IpAssignment.pickIpv4(pools, routes, LAB_A, Set.of())).contains(ip("10.0.0.7/24"));
    assertThat(IpAssignment.pickIpv4(pools, routes, LAB_B, Set.of(ip("10.0.0.7")))).isEmpty();
  }

  @Test
  void exhaustingAPoolNeverGivesItsEndADotTwoFiftyFiveOrADuplicate() {
    List<IpPool> pools = List.of(pool("10.0.0.250", "10.0.1.5"));
    List<Route> routes = List.of(route("10.0.0.0/16"));
    Set<IpAddress> allocated = new HashSet<>();
    Random r = new Random(5);
    for (int i = 0; i < 20; i++) {
      Optional<IpAddress> got = IpAssignment.pickIpv4(pools, routes, r.nextLong() & 0xffffffffffL, allocated);
      if (got.isEmpty()) {
        break;
      }
      assertThat(allocated.add(got.get().withPort(0))).as("duplicate " + got.get()).isTrue();
    }
    // .250 .. 10.0.1.4 without .255: 10 addresses, then nothing.
    assertThat(allocated).hasSize(10).doesNotContain(ip("10.0.0.255"), ip("10.0.1.5"));
    assertThat(IpAssignment.pickIpv4(pools, routes, 1, allocated)).isEmpty();
  }

  @Test
  void addressesOutsideEveryManagedRouteAreNeverPicked() {
    List<IpPool> pools = List.of(pool("10.0.0.1", "10.0.0.254"));
    assertThat(IpAssignment.pickIpv4(pools, List.of(route("10.0.1.0/24")), LAB_A, Set.of())).isEmpty();
    assertThat(IpAssignment.pickIpv4(pools, List.of(), LAB_A, Set.of())).isEmpty();
    assertThat(IpAssignment.pickIpv4(pools, List.of(route("0.0.0.0/0")), LAB_A, Set.of()))
        .as("a default route has no prefix: ZeroTier does not count it").isEmpty();
    // The first matching route gives the prefix length.
    assertThat(IpAssignment.pickIpv4(pools, List.of(route("10.0.0.0/8"), route("10.0.0.0/24")), LAB_A, Set.of()))
        .hasValueSatisfying(a -> assertThat(a.port()).isEqualTo(8));
  }

  @Test
  void invalidPoolsAreSkippedAndTheNextPoolServes() {
    List<IpPool> pools = List.of(pool("0.0.0.0", "0.0.0.9"), pool("10.0.0.9", "10.0.0.1"),
        pool("fd00::1", "fd00::9"), pool("10.0.0.20", "10.0.0.21"));
    assertThat(IpAssignment.pickIpv4(pools, List.of(route("10.0.0.0/24")), 4, Set.of())).contains(ip("10.0.0.20/24"));
  }

  @Test
  void ipv6PoolsStartAtTheMembersAddressWhenTheyAreWideEnough() {
    List<IpPool> pools = List.of(pool("fd00:1::", "fd00:1::ffff:ffff:ffff:ffff"));
    List<Route> routes = List.of(route("fd00:1::/64"));
    Optional<IpAddress> got = IpAssignment.pickIpv6(pools, routes, LAB_A, Set.of(), new Random(1));
    assertThat(got).contains(ip("fd00:1::d5:f97e:2e50/64"));
    // Taken: random addresses in the pool, still in the route and free.
    Optional<IpAddress> next = IpAssignment.pickIpv6(pools, routes, LAB_A, Set.of(ip("fd00:1::d5:f97e:2e50")), new Random(1));
    assertThat(next).isPresent();
    assertThat(next.get()).isNotEqualTo(got.get());
    assertThat(routes.get(0).target().contains(next.get())).isTrue();
    // A route through a gateway is not on the network: nothing is picked.
    assertThat(IpAssignment.pickIpv6(pools, List.of(new Route(ip("fd00:1::/64"), ip("fd00:1::1"))), LAB_A, Set.of(),
        new Random(1))).isEmpty();
  }

  @Test
  void narrowIpv6PoolsArePickedAtRandomWithinThePool() {
    List<IpPool> pools = List.of(pool("fd00:2::100", "fd00:2::1ff"));
    List<Route> routes = List.of(route("fd00:2::/64"));
    Set<IpAddress> allocated = new HashSet<>();
    Random r = new Random(3);
    for (int i = 0; i < 50; i++) {
      IpAddress a = IpAssignment.pickIpv6(pools, routes, i + 1, allocated, r).orElseThrow();
      assertThat(allocated.add(a.withPort(0))).isTrue();
      long low = a.bytes()[15] & 0xff | (a.bytes()[14] & 0xff) << 8;
      assertThat(low).isBetween(0x100L, 0x1ffL);
    }
  }
}
