package io.zt4j.node;

import io.zt4j.node.wire.InetAddress;

/**
 * A snapshot of one physical path to a peer ({@code ZT_PeerPhysicalPath}).
 *
 * @param localSocket the host's socket id
 * @param lastSendAt when we last sent over it
 * @param lastReceiveAt when something last arrived over it
 * @param alive something arrived within the path timeout
 * @param preferred the path traffic to the peer uses (only paths not yet expired are preferred)
 */
public record PathInfo(InetAddress address, long localSocket, long lastSendAt, long lastReceiveAt,
    boolean alive, boolean preferred) {}
