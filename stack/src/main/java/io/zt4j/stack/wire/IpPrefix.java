package io.zt4j.stack.wire;

/**
 * An address with a prefix length, e.g. {@code 10.147.17.5/24} or {@code fd00::1/64}. Used both
 * as an interface address (the host bits matter) and as a route destination ({@link #contains}
 * ignores host bits). The length counts bits of the address family (0–32 for IPv4, 0–128 for
 * IPv6). Immutable.
 */
public record IpPrefix(IpAddress address, int length) {
  public IpPrefix {
    int max = address.isV4() ? 32 : 128;
    if (length < 0 || length > max) {
      throw new IllegalArgumentException("prefix length " + length + " out of range for " + address);
    }
  }

  /** Parses {@code address/length}; a bare address gets the full length. */
  public static IpPrefix parse(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      IpAddress a = IpAddress.parse(s);
      return new IpPrefix(a, a.isV4() ? 32 : 128);
    }
    IpAddress a = IpAddress.parse(s.substring(0, slash));
    try {
      return new IpPrefix(a, Integer.parseInt(s.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a prefix: " + s, e);
    }
  }

  /** The length in the 128-bit (mapped) space: IPv4 prefixes are offset by 96. */
  public int length128() {
    return address.isV4() ? length + 96 : length;
  }

  public long maskHi() {
    int l = length128();
    return l == 0 ? 0 : l >= 64 ? -1L : -1L << (64 - l);
  }

  public long maskLo() {
    int l = length128();
    return l <= 64 ? 0 : l == 128 ? -1L : -1L << (128 - l);
  }

  /** True when {@code (hi, lo)} is in this prefix (and of the same family). */
  public boolean contains(long hi, long lo) {
    if (address.isV4() != IpAddress.isV4(hi, lo)) {
      return false; // ::/0 must not swallow IPv4
    }
    return ((hi ^ address.hi()) & maskHi()) == 0 && ((lo ^ address.lo()) & maskLo()) == 0;
  }

  public boolean contains(IpAddress a) {
    return contains(a.hi(), a.lo());
  }

  /** The prefix with host bits cleared. */
  public IpPrefix network() {
    return new IpPrefix(IpAddress.of(address.hi() & maskHi(), address.lo() & maskLo()), length);
  }

  /** The IPv4 directed broadcast address of this prefix (host bits all ones); IPv4 only. */
  public int v4Broadcast() {
    return address.v4() | (length == 32 ? 0 : -1 >>> length);
  }

  @Override
  public String toString() {
    return address + "/" + length;
  }
}
