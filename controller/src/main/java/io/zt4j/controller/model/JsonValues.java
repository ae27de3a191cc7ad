package io.zt4j.controller.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading values from request JSON the way ZeroTier's controller coerces them (a boolean may be
 * sent as {@code 1} or {@code "true"}, a number as a decimal string), but refusing what it would
 * silently turn into nonsense (an object where a number belongs, a negative count).
 */
final class JsonValues {
  private JsonValues() {}

  /** Boolean: true/false, a number (non-zero = true), or "true"/"false"/"1"/"0"; null → default. */
  static boolean bool(JsonNode v, String field, boolean dflt) throws InvalidRequestException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.asLong() != 0;
    }
    if (v.isTextual()) {
      switch (v.textValue().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1":
          return true;
        case "false", "0":
          return false;
        default:
          break;
      }
    }
    throw new InvalidRequestException(field + ": expected true or false, got " + v);
  }

  /** Unsigned integer up to {@code max}: a number or a decimal string; null → default. */
  static long uint(JsonNode v, String field, long dflt, long max) throws InvalidRequestException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return dflt;
    }
    long r;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      r = v.longValue();
    } else if (v.isBoolean()) {
      r = v.booleanValue() ? 1 : 0;
    } else if (v.isTextual() && v.textValue().matches("[0-9]{1,19}")) {
      r = Long.parseLong(v.textValue());
    } else {
      throw new InvalidRequestException(field + ": expected a non-negative integer, got " + v);
    }
    if (r < 0 || r > max) {
      throw new InvalidRequestException(field + ": " + r + " is out of range 0.." + max);
    }
    return r;
  }

  /** A 64-bit value given as a hex string or a number. */
  static long hex64(JsonNode v, String field, long dflt) throws InvalidRequestException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return dflt;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual() && v.textValue().length() <= 16 && Ids.isHex(v.textValue())) {
      return Long.parseUnsignedLong(v.textValue(), 16);
    }
    throw new InvalidRequestException(field + ": expected a hex string of up to 16 digits, got " + v);
  }

  /** A ZeroTier address: 10 hex digits (fewer are allowed, as ZeroTier reads them). */
  static long address(JsonNode v, String field) throws InvalidRequestException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return 0;
    }
    if (v.isTextual() && v.textValue().length() <= 10 && Ids.isHex(v.textValue())) {
      return Long.parseLong(v.textValue(), 16);
    }
    throw new InvalidRequestException(field + ": expected a 10-digit ZeroTier address, got " + v);
  }

  /** A string; null → default. */
  static String string(JsonNode v, String field, String dflt) throws InvalidRequestException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return dflt;
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    throw new InvalidRequestException(field + ": expected a string, got " + v);
  }

  /** Boolean that never throws (stored records). */
  static boolean boolOr(JsonNode v, boolean dflt) {
    try {
      return bool(v, "", dflt);
    } catch (InvalidRequestException e) {
      return dflt;
    }
  }

  /** Signed integer that never throws (stored records). */
  static long longOr(JsonNode v, long dflt) {
    if (v != null && v.isNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v != null && v.isTextual() && v.textValue().matches("-?[0-9]{1,18}")) {
      return Long.parseLong(v.textValue());
    }
    return dflt;
  }

  /** String or null that never throws (stored records). */
  static String stringOr(JsonNode v, String dflt) {
    return v != null && v.isTextual() ? v.textValue() : dflt;
  }
}
