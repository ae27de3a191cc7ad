package io.zt4j.node.wire;

/**
 * Why a parser refused untrusted bytes. Parsers in {@code node.wire} never throw on bad input;
 * they return {@link Parsed.Dropped} with one of these reasons, which the layer where the bytes
 * entered counts.
 */
public enum DropReason {
  /** The input ends inside a field. */
  TRUNCATED,
  /** A type, version or family byte has a value this parser does not know. */
  UNKNOWN_TYPE,
  /** The input is longer than the format (or the caller's capacity) allows. */
  TOO_LARGE,
  /** A count field exceeds the limit ZeroTier enforces (roots, endpoints, qualifiers…). */
  TOO_MANY,
  /** Entries that must be sorted are not. */
  NOT_SORTED,
  /** A field has a value the format forbids (bad text, bad length, reserved value…). */
  MALFORMED
}
