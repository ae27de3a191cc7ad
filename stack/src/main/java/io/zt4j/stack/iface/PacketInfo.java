package io.zt4j.stack.iface;

import io.zt4j.stack.ip.IpInfo;

/** The reusable {@link IpInfo} the IP layer fills for each packet it hands up. */
final class PacketInfo implements IpInfo {
  int version;
  long srcHi;
  long srcLo;
  long dstHi;
  long dstLo;
  int protocol;
  int hopLimit;
  int trafficClass;
  int interfaceIndex;
  boolean broadcast;
  boolean multicast;
  boolean checksumsVerified;

  void set(int version, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int hopLimit, int tc, int ifIndex) {
    this.version = version;
    this.srcHi = srcHi;
    this.srcLo = srcLo;
    this.dstHi = dstHi;
    this.dstLo = dstLo;
    this.protocol = protocol;
    this.hopLimit = hopLimit;
    this.trafficClass = tc;
    this.interfaceIndex = ifIndex;
    this.broadcast = false;
    this.multicast = false;
    this.checksumsVerified = false;
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public long srcHi() {
    return srcHi;
  }

  @Override
  public long srcLo() {
    return srcLo;
  }

  @Override
  public long dstHi() {
    return dstHi;
  }

  @Override
  public long dstLo() {
    return dstLo;
  }

  @Override
  public int protocol() {
    return protocol;
  }

  @Override
  public int hopLimit() {
    return hopLimit;
  }

  @Override
  public int trafficClass() {
    return trafficClass;
  }

  @Override
  public int interfaceIndex() {
    return interfaceIndex;
  }

  @Override
  public boolean isBroadcast() {
    return broadcast;
  }

  @Override
  public boolean isMulticast() {
    return multicast;
  }

  @Override
  public boolean checksumsVerified() {
    return checksumsVerified;
  }

  @Override
  public String toString() {
    return "IpInfo[v" + version + " " + src() + " > " + dst() + " proto=" + protocol + " if=" + interfaceIndex + "]";
  }
}
