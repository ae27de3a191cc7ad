package io.zt4j.node.sim;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl1.Verbs;
import io.zt4j.node.vl2.CertificateOfOwnership;
import io.zt4j.node.vl2.CredentialType;
import io.zt4j.node.vl2.LocalController;
import io.zt4j.node.vl2.ManagedAddresses;
import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.vl2.Revocation;
import io.zt4j.node.vl2.Rule;
import io.zt4j.node.vl2.RuleType;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal network controller for node-level simulations (the real one is the controller
 * module's): one network, an authorized set, one IPv4 per member, configurable rules. It answers
 * through the controller node's {@code Vl2}, pushes configs on authorization and revokes COMs on
 * deauthorization, as ZeroTier's controller does.
 */
final class TestController implements LocalController {
  final SimNode node;
  final long networkId;
  boolean privateNetwork = true;
  boolean broadcast = true;
  long multicastLimit = 32;
  int mtu = 2800;
  List<Rule> rules = List.of(Rule.action(RuleType.ACTION_ACCEPT));
  final Set<Long> authorized = new HashSet<>();
  /** Members that are active bridges. */
  final Set<Long> bridges = new HashSet<>();
  final Map<Long, Identity> members = new HashMap<>();
  final Map<Long, Integer> hostNumbers = new HashMap<>();
  int requests;

  TestController(SimNode node, int suffix) {
    this.node = node;
    this.networkId = (node.address().toLong() << 24) | suffix;
    node.node().vl2().localController(this);
  }

  /** The member's IPv4 address (10.147.17.n/24), fixed by join order. */
  InetAddress ipv4(long member) {
    int n = hostNumbers.computeIfAbsent(member, m -> hostNumbers.size() + 10);
    return InetAddress.of(new byte[] {10, (byte) 147, 17, (byte) n}, 24);
  }

  NetworkConfig configFor(Identity member, long now) {
    long addr = member.address().toLong();
    Identity signer = node.node().identity();
    List<InetAddress> ips = List.of(ManagedAddresses.rfc4193(networkId, addr), ipv4(addr));
    return NetworkConfig.builder().networkId(networkId).timestamp(now).revision(1).issuedTo(addr)
        .flags((broadcast ? NetworkConfig.FLAG_ENABLE_BROADCAST : 0) | NetworkConfig.FLAG_ENABLE_IPV6_NDP_EMULATION)
        .multicastLimit(multicastLimit).type(privateNetwork ? NetworkConfig.TYPE_PRIVATE : NetworkConfig.TYPE_PUBLIC)
        .name("simnet").mtu(mtu)
        .com(CertificateOfMembership.create(now, NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA, networkId, member)
            .sign(signer))
        .certificatesOfOwnership(List.of(CertificateOfOwnership.forAddresses(networkId, now, addr, 1, ips).sign(signer)))
        .routes(List.of(new NetworkConfig.Route(InetAddress.of(new byte[] {10, (byte) 147, 17, 0}, 24),
            InetAddress.NIL, 0, 0)))
        .specialists(bridges.stream().map(x -> x | NetworkConfig.SPECIALIST_ACTIVE_BRIDGE).sorted().toList())
        .staticIps(ips).rules(rules).build();
  }

  @Override
  public void request(long nwid, InetAddress from, long requestPacketId, Identity requester, Dictionary metadata) {
    requests++;
    long addr = requester.address().toLong();
    long now = node.now();
    if (nwid != networkId) {
      node.node().vl2().sendError(nwid, requestPacketId, addr, Verbs.ERROR_OBJ_NOT_FOUND, null, now);
      return;
    }
    members.put(addr, requester);
    if (privateNetwork && !authorized.contains(addr)) {
      node.node().vl2().sendError(nwid, requestPacketId, addr, Verbs.ERROR_NETWORK_ACCESS_DENIED, null, now);
      return;
    }
    node.node().vl2().sendConfig(nwid, requestPacketId, addr, configFor(requester, now), now);
  }

  /** Authorizes a member and pushes its config if it has asked before. */
  void authorize(long member) {
    node.command(() -> {
      authorized.add(member);
      Identity id = members.get(member);
      if (id != null) {
        node.node().vl2().sendConfig(networkId, 0, member, configFor(id, node.now()), node.now());
      }
    });
  }

  /** Deauthorizes a member and sends every known member a revocation of its COM. */
  void deauthorize(long member) {
    node.command(() -> {
      authorized.remove(member);
      long now = node.now();
      Revocation r = Revocation.of(7, networkId, 0, now, Revocation.FLAG_FAST_PROPAGATE, member, CredentialType.COM)
          .sign(node.node().identity());
      for (long m : new ArrayList<>(members.keySet())) {
        node.node().vl2().sendRevocation(m, r, now);
      }
    });
  }

  /** Pushes fresh configs to all authorized members (after changing settings). */
  void pushAll() {
    node.command(() -> {
      for (long m : authorized) {
        Identity id = members.get(m);
        if (id != null) {
          node.node().vl2().sendConfig(networkId, 0, m, configFor(id, node.now()), node.now());
        }
      }
    });
  }
}
