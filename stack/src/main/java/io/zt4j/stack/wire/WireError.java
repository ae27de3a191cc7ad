package io.zt4j.stack.wire;

/**
 * Why a checked {@link EthernetFrame#wrap wrap} (or a walk over options/extension headers)
 * rejected untrusted bytes. Views report the reason of their last failed check; the layer that
 * owns the view counts it.
 */
public enum WireError {
  /** No error. */
  OK,
  /** Fewer bytes than the fixed header (or a length field) requires. */
  TRUNCATED,
  /** Version nibble or hardware/protocol type not the one this view reads. */
  BAD_VERSION,
  /** A header-length field smaller than the fixed header or larger than the data. */
  BAD_HEADER_LENGTH,
  /** A total/payload length field inconsistent with the bytes present. */
  BAD_LENGTH,
  BAD_CHECKSUM,
  /** An option or extension header whose length runs past its container, or a zero length. */
  BAD_OPTION,
  /** An IPv6 option whose type says "discard" (RFC 8200 §4.2, action bits 01/10/11). */
  UNRECOGNIZED_OPTION,
  /** More IPv6 extension headers than we walk, or hop-by-hop not first. */
  BAD_EXTENSION_CHAIN,
  /** A well-formed header for something this stack does not implement. */
  UNSUPPORTED
}
