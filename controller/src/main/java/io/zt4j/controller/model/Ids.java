package io.zt4j.controller.model;

import java.util.Locale;

/** ZeroTier network IDs (64-bit, 16 hex digits) and node addresses (40-bit, 10 hex digits). */
public final class Ids {
  private Ids() {}

  /** Network ID as ZeroTier writes it: 16 lower-case hex digits. */
  public static String networkId(long nwid) {
    return String.format(Locale.ROOT, "%016x", nwid);
  }

  /** Node address as ZeroTier writes it: 10 lower-case hex digits. */
  public static String address(long address) {
    return String.format(Locale.ROOT, "%010x", address & 0xffffffffffL);
  }

  /** Parses exactly 16 hex digits; -1 never results, so callers test {@link #isNetworkId}. */
  public static long parseNetworkId(String s) {
    if (!isNetworkId(s)) {
      throw new IllegalArgumentException("not a 16-digit network ID: " + s);
    }
    return Long.parseUnsignedLong(s, 16);
  }

  /** Parses exactly 10 hex digits. */
  public static long parseAddress(String s) {
    if (!isAddress(s)) {
      throw new IllegalArgumentException("not a 10-digit ZeroTier address: " + s);
    }
    return Long.parseLong(s, 16);
  }

  public static boolean isNetworkId(String s) {
    return s != null && s.length() == 16 && isHex(s);
  }

  public static boolean isAddress(String s) {
    return s != null && s.length() == 10 && isHex(s);
  }

  /** The controller address a network ID belongs to: its top 40 bits. */
  public static long controllerOf(long nwid) {
    return nwid >>> 24;
  }

  static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
