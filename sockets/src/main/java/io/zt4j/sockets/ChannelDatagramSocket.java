package io.zt4j.sockets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.DatagramChannel;

/**
 * The {@link DatagramChannel#socket()} adaptor of a {@link ZtDatagramChannel}: a
 * {@link ZeroTierDatagramSocket} over the channel's UDP socket; connect, disconnect and close go
 * through the channel.
 */
final class ChannelDatagramSocket extends ZeroTierDatagramSocket {
  private final ZtDatagramChannel channel;

  ChannelDatagramSocket(ZtDatagramChannel channel, ZtDatagramSocketImpl impl, InetSocketAddress local)
      throws SocketException {
    super(impl, local);
    this.channel = channel;
  }

  @Override
  public DatagramChannel getChannel() {
    return channel;
  }

  @Override
  public void connect(SocketAddress address) throws SocketException {
    try {
      channel.connect(address);
    } catch (SocketException e) {
      throw e;
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public void connect(InetAddress address, int port) {
    try {
      channel.connect(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void disconnect() {
    try {
      channel.disconnect();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public boolean isConnected() {
    return channel.isConnected();
  }

  @Override
  public InetAddress getInetAddress() {
    SocketAddress r = remote();
    return r instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }

  @Override
  public int getPort() {
    SocketAddress r = remote();
    return r instanceof InetSocketAddress isa ? isa.getPort() : -1;
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return remote();
  }

  private SocketAddress remote() {
    try {
      return channel.getRemoteAddress();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public String toString() {
    return "ChannelDatagramSocket[" + channel + "]";
  }
}
