package io.zt4j.sockets;

import io.zt4j.runtime.driver.TcpConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SocketChannel;

/**
 * The {@link SocketChannel#socket()} adaptor of a {@link ZtSocketChannel}: a
 * {@link ZeroTierSocket} over the channel's connection. Connect, bind, options and close go
 * through the channel; streams and {@code SO_TIMEOUT} work as on any {@link ZeroTierSocket}
 * (streams need the channel in blocking mode, as with the JDK's adaptor).
 */
final class ChannelSocket extends ZeroTierSocket {
  private final ZtSocketChannel channel;
  private volatile boolean adopted;

  ChannelSocket(ZtSocketChannel channel) throws IOException {
    super(new ZtSocketImpl(((ZeroTierSelectorProvider) channel.provider()).driver()));
    this.channel = channel;
    adoptIfConnected();
  }

  /** Makes this socket "connected" to the channel's established connection (once). */
  private synchronized void adoptIfConnected() {
    TcpConnection c = channel.connection();
    if (adopted || !channel.isConnected() || c == null) {
      return;
    }
    try (Adopter a = new Adopter(c)) {
      a.adopt(this);
      adopted = true;
    } catch (IOException e) {
      throw new IllegalStateException("adopting a connected channel", e);
    }
  }

  @Override
  public SocketChannel getChannel() {
    return channel;
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (endpoint == null) {
      throw new IllegalArgumentException("connect: The address can't be null");
    }
    if (timeout < 0) {
      throw new IllegalArgumentException("connect: timeout can't be negative");
    }
    if (!channel.isBlocking()) {
      throw new IllegalBlockingModeException();
    }
    if (isClosed()) {
      throw new SocketException("Socket is closed");
    }
    if (channel.isConnected()) {
      throw new SocketException("Already connected");
    }
    channel.connect(endpoint, timeout);
    adoptIfConnected();
  }

  @Override
  public void bind(SocketAddress local) throws IOException {
    channel.bind(local);
  }

  @Override
  public boolean isBound() {
    try {
      return channel.getLocalAddress() != null;
    } catch (IOException e) {
      return super.isBound();
    }
  }

  @Override
  public InputStream getInputStream() throws IOException {
    if (!channel.isBlocking()) {
      throw new IllegalBlockingModeException();
    }
    adoptIfConnected();
    return super.getInputStream();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    if (!channel.isBlocking()) {
      throw new IllegalBlockingModeException();
    }
    adoptIfConnected();
    return super.getOutputStream();
  }

  @Override
  public void shutdownInput() throws IOException {
    channel.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public boolean isInputShutdown() {
    TcpConnection c = channel.connection();
    return c != null && c.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    TcpConnection c = channel.connection();
    return c != null && c.isOutputShutdown();
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    if (!channel.supportedOptions().contains(name)) {
      return super.setOption(name, value);
    }
    channel.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    if (channel.supportedOptions().contains(name)) {
      return channel.getOption(name);
    }
    return super.getOption(name);
  }

  private <T> void set(SocketOption<T> name, T value) throws SocketException {
    try {
      channel.setOption(name, value);
    } catch (SocketException e) {
      throw e;
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  private <T> T get(SocketOption<T> name) throws SocketException {
    try {
      return channel.getOption(name);
    } catch (SocketException e) {
      throw e;
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    set(StandardSocketOptions.TCP_NODELAY, on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return get(StandardSocketOptions.TCP_NODELAY);
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    set(StandardSocketOptions.SO_KEEPALIVE, on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return get(StandardSocketOptions.SO_KEEPALIVE);
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    if (on && linger < 0) {
      throw new IllegalArgumentException("invalid value for SO_LINGER");
    }
    set(StandardSocketOptions.SO_LINGER, on ? linger : -1);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return get(StandardSocketOptions.SO_LINGER);
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    if (size <= 0) {
      throw new IllegalArgumentException("Invalid send size");
    }
    set(StandardSocketOptions.SO_SNDBUF, size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return get(StandardSocketOptions.SO_SNDBUF);
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    if (size <= 0) {
      throw new IllegalArgumentException("Invalid receive size");
    }
    set(StandardSocketOptions.SO_RCVBUF, size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return get(StandardSocketOptions.SO_RCVBUF);
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    set(StandardSocketOptions.SO_REUSEADDR, on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return get(StandardSocketOptions.SO_REUSEADDR);
  }

  @Override
  public boolean isConnected() {
    return channel.isConnected();
  }

  @Override
  public InetAddress getInetAddress() {
    SocketAddress r = remote();
    return r instanceof java.net.InetSocketAddress isa ? isa.getAddress() : null;
  }

  @Override
  public int getPort() {
    SocketAddress r = remote();
    return r instanceof java.net.InetSocketAddress isa ? isa.getPort() : 0;
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return remote();
  }

  private SocketAddress remote() {
    try {
      return channel.getRemoteAddress();
    } catch (IOException e) {
      return null; // closed
    }
  }

  @Override
  public InetAddress getLocalAddress() {
    try {
      SocketAddress a = channel.getLocalAddress();
      return a instanceof java.net.InetSocketAddress isa ? isa.getAddress() : ZtSocketChannel.anyAddress();
    } catch (IOException e) {
      return super.getLocalAddress();
    }
  }

  @Override
  public int getLocalPort() {
    try {
      SocketAddress a = channel.getLocalAddress();
      return a instanceof java.net.InetSocketAddress isa ? isa.getPort() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "ChannelSocket[" + channel + "]";
  }

  /** A server socket whose only accept hands an established connection to {@link ChannelSocket}. */
  private static final class Adopter extends ServerSocket {
    Adopter(TcpConnection c) throws IOException {
      super(new AdoptImpl(c));
    }

    void adopt(Socket s) throws IOException {
      implAccept(s);
    }
  }

  private static final class AdoptImpl extends SocketImpl {
    private final TcpConnection connection;

    AdoptImpl(TcpConnection connection) {
      this.connection = connection;
    }

    @Override
    protected void accept(SocketImpl s) {
      ((ZtSocketImpl) s).accepted(connection);
    }

    @Override
    protected void create(boolean stream) {}

    @Override
    protected void connect(String host, int port) throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected void listen(int backlog) throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
      throw new SocketException("adoption only");
    }

    @Override
    protected int available() {
      return 0;
    }

    @Override
    protected void close() {
      // the adopted connection belongs to the channel
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
      throw new SocketException("Urgent data not supported");
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
      throw new SocketException("adoption only");
    }

    @Override
    public Object getOption(int optID) throws SocketException {
      throw new SocketException("adoption only");
    }
  }
}
