package io.zt4j.node.vl2;

import io.zt4j.node.ProtocolVersion;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The metadata dictionary a member sends in NETWORK_CONFIG_REQUEST: who is asking (software and
 * protocol versions, OS/architecture) and how large a config it can take. Controllers use it to
 * decide, for example, whether the client is too old for the network's rules.
 *
 * <pre>
 *  keys, in the order ZeroTier One 1.14 writes them (numbers as 16 lowercase hex digits):
 *   v     config version (7)             vend  vendor (1 = ZeroTier)      pv   protocol version
 *   majv  software major                 minv  software minor             revv software revision
 *   mr    max rules (1024)               mc    max capabilities (128)     mcr  max rules per capability (64)
 *   mt    max tags (128)                 f     flags (0)                  revr rules engine revision (1)
 *   o     OS/architecture text, e.g. linux/x86_64
 *  optional: a  network join authorization token (text)
 * </pre>
 *
 * @param osArch ZeroTier's {@code ZT_TARGET_NAME}, e.g. {@code linux/x86_64}
 * @param authToken a join token, or empty (ZeroTier One never sends one; written only if set)
 */
public record ConfigRequestMetadata(long configVersion, long vendor, long protocolVersion, long majorVersion,
    long minorVersion, long revision, long maxNetworkRules, long maxCapabilities, long maxCapabilityRules,
    long maxTags, long flags, long rulesEngineRevision, String osArch, String authToken) {

  public static final long VENDOR_UNSPECIFIED = 0;
  public static final long VENDOR_ZEROTIER = 1;
  /** ZeroTier's {@code ZT_RULES_ENGINE_REVISION}. */
  public static final long RULES_ENGINE_REVISION = 1;

  public static final String KEY_VERSION = "v";
  public static final String KEY_VENDOR = "vend";
  public static final String KEY_PROTOCOL_VERSION = "pv";
  public static final String KEY_MAJOR_VERSION = "majv";
  public static final String KEY_MINOR_VERSION = "minv";
  public static final String KEY_REVISION = "revv";
  public static final String KEY_MAX_NETWORK_RULES = "mr";
  public static final String KEY_MAX_CAPABILITIES = "mc";
  public static final String KEY_MAX_CAPABILITY_RULES = "mcr";
  public static final String KEY_MAX_TAGS = "mt";
  public static final String KEY_FLAGS = "f";
  public static final String KEY_RULES_ENGINE_REVISION = "revr";
  public static final String KEY_OS_ARCH = "o";
  public static final String KEY_AUTH = "a";

  public ConfigRequestMetadata {
    Objects.requireNonNull(osArch, "osArch");
    Objects.requireNonNull(authToken, "authToken");
  }

  /**
   * What this node sends: the values ZeroTier One 1.14.1 sends (it follows that release's
   * protocol and limits), with the caller's OS/architecture text.
   */
  public static ConfigRequestMetadata forThisNode(String osArch) {
    return new ConfigRequestMetadata(NetworkConfig.VERSION, VENDOR_ZEROTIER, ProtocolVersion.PROTOCOL,
        ProtocolVersion.SOFTWARE_MAJOR, ProtocolVersion.SOFTWARE_MINOR, ProtocolVersion.SOFTWARE_REVISION,
        NetworkConfig.MAX_RULES, NetworkConfig.MAX_CAPABILITIES, Capability.MAX_RULES, NetworkConfig.MAX_TAGS, 0,
        RULES_ENGINE_REVISION, osArch, "");
  }

  /** The dictionary, keys in ZeroTier's order. */
  public Dictionary toDictionary() {
    Dictionary.Builder d = Dictionary.builder(Dictionary.METADATA_CAPACITY)
        .addHex(KEY_VERSION, configVersion)
        .addHex(KEY_VENDOR, vendor)
        .addHex(KEY_PROTOCOL_VERSION, protocolVersion)
        .addHex(KEY_MAJOR_VERSION, majorVersion)
        .addHex(KEY_MINOR_VERSION, minorVersion)
        .addHex(KEY_REVISION, revision)
        .addHex(KEY_MAX_NETWORK_RULES, maxNetworkRules)
        .addHex(KEY_MAX_CAPABILITIES, maxCapabilities)
        .addHex(KEY_MAX_CAPABILITY_RULES, maxCapabilityRules)
        .addHex(KEY_MAX_TAGS, maxTags)
        .addHex(KEY_FLAGS, flags)
        .addHex(KEY_RULES_ENGINE_REVISION, rulesEngineRevision)
        .add(KEY_OS_ARCH, osArch.getBytes(StandardCharsets.ISO_8859_1));
    if (!authToken.isEmpty()) {
      d.add(KEY_AUTH, authToken.getBytes(StandardCharsets.ISO_8859_1));
    }
    return d.build();
  }

  public byte[] serialize() {
    return toDictionary().serialize();
  }

  /** Reads the metadata a requester sent; absent numbers read as 0, absent texts as empty. */
  public static ConfigRequestMetadata fromDictionary(Dictionary d) {
    return new ConfigRequestMetadata(d.getHex(KEY_VERSION, 0), d.getHex(KEY_VENDOR, 0),
        d.getHex(KEY_PROTOCOL_VERSION, 0), d.getHex(KEY_MAJOR_VERSION, 0), d.getHex(KEY_MINOR_VERSION, 0),
        d.getHex(KEY_REVISION, 0), d.getHex(KEY_MAX_NETWORK_RULES, 0), d.getHex(KEY_MAX_CAPABILITIES, 0),
        d.getHex(KEY_MAX_CAPABILITY_RULES, 0), d.getHex(KEY_MAX_TAGS, 0), d.getHex(KEY_FLAGS, 0),
        d.getHex(KEY_RULES_ENGINE_REVISION, 0), d.getString(KEY_OS_ARCH).orElse(""),
        d.getString(KEY_AUTH).orElse(""));
  }

  /** Parses serialized metadata (at most {@link Dictionary#METADATA_CAPACITY} - 1 bytes). */
  public static Parsed<ConfigRequestMetadata> parse(byte[] buf, int off, int len) {
    return Dictionary.parse(buf, off, len, Dictionary.METADATA_CAPACITY).map(ConfigRequestMetadata::fromDictionary);
  }
}
