package io.zt4j.controller.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.net.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member of a hosted network, with the fields of ZeroTier's controller JSON schema
 * ({@code controller.d/network/<nwid>/member/<address>.json}) and the defaults ZeroTier gives a
 * new member.
 *
 * <p>Mutable and not thread-safe: the controller owns the instances in its store and hands out
 * {@link #copy() copies}. Unknown stored fields are kept in {@link #extras()}.
 */
public final class Member {
  private final long networkId;
  private final long address;
  private String identity;
  private String name;
  private boolean authorized;
  private boolean activeBridge;
  private boolean noAutoAssignIps;
  private boolean ssoExempt;
  private List<IpAddress> ipAssignments = List.of();
  private List<MemberTag> tags = List.of();
  private List<Long> capabilities = List.of();
  private long createdAt;
  private long revision;
  private long lastAuthorizedAt;
  private long lastDeauthorizedAt;
  private String lastAuthorizedCredentialType;
  private String lastAuthorizedCredential;
  private long authenticationExpiresAt;
  private int vMajor = -1;
  private int vMinor = -1;
  private int vRev = -1;
  private int vProto = -1;
  private String remoteTraceTarget;
  private long remoteTraceLevel;
  private Map<String, JsonNode> extras = new TreeMap<>();

  /** A new, unauthorized member with ZeroTier's defaults, created at {@code createdAt}. */
  public Member(long networkId, long address, long createdAt) {
    this.networkId = networkId;
    this.address = address & 0xffffffffffL;
    this.createdAt = createdAt;
  }

  public Member copy() {
    Member m = new Member(networkId, address, createdAt);
    m.identity = identity;
    m.name = name;
    m.authorized = authorized;
    m.activeBridge = activeBridge;
    m.noAutoAssignIps = noAutoAssignIps;
    m.ssoExempt = ssoExempt;
    m.ipAssignments = ipAssignments;
    m.tags = tags;
    m.capabilities = capabilities;
    m.revision = revision;
    m.lastAuthorizedAt = lastAuthorizedAt;
    m.lastDeauthorizedAt = lastDeauthorizedAt;
    m.lastAuthorizedCredentialType = lastAuthorizedCredentialType;
    m.lastAuthorizedCredential = lastAuthorizedCredential;
    m.authenticationExpiresAt = authenticationExpiresAt;
    m.vMajor = vMajor;
    m.vMinor = vMinor;
    m.vRev = vRev;
    m.vProto = vProto;
    m.remoteTraceTarget = remoteTraceTarget;
    m.remoteTraceLevel = remoteTraceLevel;
    m.extras = new TreeMap<>();
    extras.forEach((k, v) -> m.extras.put(k, v.deepCopy()));
    return m;
  }

  public long networkId() {
    return networkId;
  }

  public long address() {
    return address;
  }

  public String addressString() {
    return Ids.address(address);
  }

  /** The member's public identity ({@code address:0:key}) once it has asked for a config. */
  public String identity() {
    return identity;
  }

  public Member identity(String v) {
    identity = v;
    return this;
  }

  /** Optional display name ({@code null}: not set, and not written). */
  public String name() {
    return name;
  }

  public Member name(String v) {
    name = v;
    return this;
  }

  public boolean authorized() {
    return authorized;
  }

  public Member authorized(boolean v) {
    authorized = v;
    return this;
  }

  /** May bridge other Ethernet traffic onto the network (and receives all multicast). */
  public boolean activeBridge() {
    return activeBridge;
  }

  public Member activeBridge(boolean v) {
    activeBridge = v;
    return this;
  }

  public boolean noAutoAssignIps() {
    return noAutoAssignIps;
  }

  public Member noAutoAssignIps(boolean v) {
    noAutoAssignIps = v;
    return this;
  }

  public boolean ssoExempt() {
    return ssoExempt;
  }

  public Member ssoExempt(boolean v) {
    ssoExempt = v;
    return this;
  }

  /** Addresses assigned to the member (by hand or from the pools), port field 0. */
  public List<IpAddress> ipAssignments() {
    return ipAssignments;
  }

  public Member ipAssignments(List<IpAddress> v) {
    ipAssignments = v.stream().map(a -> a.withPort(0)).toList();
    return this;
  }

  public List<MemberTag> tags() {
    return tags;
  }

  public Member tags(List<MemberTag> v) {
    tags = List.copyOf(v);
    return this;
  }

  public List<Long> capabilities() {
    return capabilities;
  }

  public Member capabilities(List<Long> v) {
    capabilities = List.copyOf(v);
    return this;
  }

  public long createdAt() {
    return createdAt;
  }

  public Member createdAt(long v) {
    createdAt = v;
    return this;
  }

  public long revision() {
    return revision;
  }

  public Member revision(long v) {
    revision = v;
    return this;
  }

  public long lastAuthorizedAt() {
    return lastAuthorizedAt;
  }

  public Member lastAuthorizedAt(long v) {
    lastAuthorizedAt = v;
    return this;
  }

  public long lastDeauthorizedAt() {
    return lastDeauthorizedAt;
  }

  public Member lastDeauthorizedAt(long v) {
    lastDeauthorizedAt = v;
    return this;
  }

  /** How the member was last authorized: {@code "api"}, {@code "public"}, {@code "token"}. */
  public String lastAuthorizedCredentialType() {
    return lastAuthorizedCredentialType;
  }

  public Member lastAuthorizedCredentialType(String v) {
    lastAuthorizedCredentialType = v;
    return this;
  }

  public String lastAuthorizedCredential() {
    return lastAuthorizedCredential;
  }

  public Member lastAuthorizedCredential(String v) {
    lastAuthorizedCredential = v;
    return this;
  }

  public long authenticationExpiresAt() {
    return authenticationExpiresAt;
  }

  public Member authenticationExpiresAt(long v) {
    authenticationExpiresAt = v;
    return this;
  }

  /** Software version the member reported in its last config request (-1: unknown). */
  public int vMajor() {
    return vMajor;
  }

  public int vMinor() {
    return vMinor;
  }

  public int vRev() {
    return vRev;
  }

  public int vProto() {
    return vProto;
  }

  public Member version(int major, int minor, int rev, int proto) {
    vMajor = major;
    vMinor = minor;
    vRev = rev;
    vProto = proto;
    return this;
  }

  public String remoteTraceTarget() {
    return remoteTraceTarget;
  }

  public Member remoteTraceTarget(String v) {
    remoteTraceTarget = v;
    return this;
  }

  public long remoteTraceLevel() {
    return remoteTraceLevel;
  }

  public Member remoteTraceLevel(long v) {
    remoteTraceLevel = v;
    return this;
  }

  /** Stored fields this version does not interpret, by name; written back as they were. */
  public Map<String, JsonNode> extras() {
    return extras;
  }
}
