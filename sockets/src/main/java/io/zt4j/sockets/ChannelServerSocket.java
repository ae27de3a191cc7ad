package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.TcpAcceptor;
import io.zt4j.runtime.driver.TcpConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;

/**
 * The {@link ServerSocketChannel#socket()} adaptor of a {@link ZtServerSocketChannel}: a
 * {@link ZeroTierServerSocket} whose bind, accept, options and close go through the channel.
 * {@link #accept()} honours {@code SO_TIMEOUT} and needs the channel in blocking mode; it returns
 * the adaptor of the accepted channel.
 */
final class ChannelServerSocket extends ZeroTierServerSocket {
  private final ZtServerSocketChannel channel;
  private volatile int timeoutMillis;

  ChannelServerSocket(ZtServerSocketChannel channel, StackDriver driver) throws IOException {
    super(driver);
    this.channel = channel;
  }

  @Override
  public ServerSocketChannel getChannel() {
    return channel;
  }

  @Override
  public void bind(SocketAddress endpoint, int backlog) throws IOException {
    channel.bind(endpoint == null ? new InetSocketAddress(ZtSocketChannel.anyAddress(), 0) : endpoint, backlog);
  }

  @Override
  public Socket accept() throws IOException {
    if (!channel.isOpen()) {
      throw new SocketException("Socket is closed");
    }
    TcpAcceptor a = channel.acceptor();
    if (a == null) {
      throw new SocketException("Socket is not bound yet");
    }
    if (!channel.isBlocking()) {
      throw new IllegalBlockingModeException();
    }
    TcpConnection c = channel.acceptBlocking(a, timeoutMillis);
    return new ZtSocketChannel((ZeroTierSelectorProvider) channel.provider(), c).socket();
  }

  @Override
  public boolean isBound() {
    return channel.acceptor() != null;
  }

  @Override
  public InetAddress getInetAddress() {
    TcpAcceptor a = channel.acceptor();
    return a == null ? null : a.localAddress();
  }

  @Override
  public int getLocalPort() {
    TcpAcceptor a = channel.acceptor();
    return a == null ? -1 : a.localPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    TcpAcceptor a = channel.acceptor();
    return a == null ? null : new InetSocketAddress(a.localAddress(), a.localPort());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (!channel.isOpen()) {
      throw new SocketException("Socket is closed");
    }
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout < 0");
    }
    timeoutMillis = timeout;
  }

  @Override
  public int getSoTimeout() throws IOException {
    if (!channel.isOpen()) {
      throw new SocketException("Socket is closed");
    }
    return timeoutMillis;
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, on);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    try {
      return channel.getOption(StandardSocketOptions.SO_REUSEADDR);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    if (size <= 0) {
      throw new IllegalArgumentException("negative receive size");
    }
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, size);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    try {
      return channel.getOption(StandardSocketOptions.SO_RCVBUF);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public <T> java.net.ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
    channel.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return channel.getOption(name);
  }

  @Override
  public String toString() {
    return "ChannelServerSocket[" + channel + "]";
  }
}
