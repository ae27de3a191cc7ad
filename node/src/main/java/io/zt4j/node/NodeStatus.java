package io.zt4j.node;

import io.zt4j.node.identity.Address;

/**
 * A snapshot of the node ({@code ZT_NodeStatus}).
 *
 * @param publicIdentity our identity in ZeroTier's public string form
 * @param online an upstream was heard from recently (or we are one)
 * @param root we are a root of our planet or of a moon we orbit
 * @param planetId id of the planet in use
 * @param planetTimestamp its revision timestamp
 */
public record NodeStatus(Address address, String publicIdentity, boolean online, boolean root, long planetId,
    long planetTimestamp) {}
