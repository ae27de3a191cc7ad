package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.testkit.nio.NioEcho;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NIO between two {@link ZeroTierNode}s of a private network over loopback UDP (in-process root
 * and controller): a single-threaded Selector echo server on one node serving 200 concurrent
 * non-blocking clients of the other, every byte checked; non-blocking connect to a closed port.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NioSelectorIT {
  static LocalNetwork net;
  static ZeroTierNode server;
  static ZeroTierNode client;
  static InetAddress serverIp;

  @BeforeAll
  static void nodes() throws Exception {
    net = new LocalNetwork();
    server = net.member("nio-server").build().start();
    client = net.member("nio-client").build().start();
    for (ZeroTierNode n : new ZeroTierNode[] {server, client}) {
      net.authorize(n.nodeId());
      n.join(net.networkId);
    }
    serverIp = server.awaitNetworkReady(net.networkId, Duration.ofSeconds(60)).ipv4().orElseThrow();
    client.awaitNetworkReady(net.networkId, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
    net.close();
  }

  @Test
  void aSingleThreadedSelectorEchoServerServes200ConcurrentNonBlockingClients() throws Exception {
    SelectorProvider nio = server.selectorProvider();
    assertThat(server.selectorProvider()).isSameAs(nio);
    try (Selector selector = nio.openSelector();
        ServerSocketChannel ss = nio.openServerSocketChannel().bind(new InetSocketAddress(7000), 256)) {
      Thread t = new Thread(() -> {
        try {
          NioEcho.serve(selector, ss);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, "nio-echo-server");
      t.start();
      NioEcho.Result r = NioEcho.load(client.selectorProvider(), new InetSocketAddress(serverIp, 7000), 200, 10,
          4096, 120_000);
      assertThat(r.requests()).isEqualTo(2000);
      assertThat(r.latencyNanos()).hasSize(2000);
      System.out.printf("200 connections x 10 echoes of 4 KiB (every byte checked): %.0f requests/s, p50 %.0f µs,"
          + " p99 %.0f µs, %.1f s%n", r.requestsPerSecond(), r.percentileMicros(50), r.percentileMicros(99), r.nanos() / 1e9);
      selector.close();
      t.join(5000);
      assertThat(t.isAlive()).isFalse();
    }
  }

  @Test
  void nettyEchoServerAndClientOnTheNodesSelectorProviders() throws Exception {
    SelectorProvider serverNio = server.selectorProvider();
    SelectorProvider clientNio = client.selectorProvider();
    io.netty.channel.EventLoopGroup serverGroup = new io.netty.channel.nio.NioEventLoopGroup(1,
        (java.util.concurrent.Executor) null, serverNio);
    io.netty.channel.EventLoopGroup clientGroup = new io.netty.channel.nio.NioEventLoopGroup(1,
        (java.util.concurrent.Executor) null, clientNio);
    try {
      io.netty.channel.Channel listener = new io.netty.bootstrap.ServerBootstrap().group(serverGroup)
          .channelFactory(() -> new io.netty.channel.socket.nio.NioServerSocketChannel(serverNio))
          .childHandler(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
              ctx.write(msg); // echo
            }

            @Override
            public void channelReadComplete(io.netty.channel.ChannelHandlerContext ctx) {
              ctx.flush();
            }
          })
          .bind(new InetSocketAddress(7002)).sync().channel();
      assertThat(listener.localAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 7002));

      int total = 1 << 20;
      byte[] sent = new byte[total];
      new java.util.Random(7).nextBytes(sent);
      java.util.concurrent.CompletableFuture<byte[]> echoed = new java.util.concurrent.CompletableFuture<>();
      io.netty.channel.Channel ch = new io.netty.bootstrap.Bootstrap().group(clientGroup)
          .channelFactory(() -> new io.netty.channel.socket.nio.NioSocketChannel(clientNio))
          .handler(new io.netty.channel.ChannelInboundHandlerAdapter() {
            final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();

            @Override
            public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
              for (int off = 0; off < total; off += 16384) {
                ctx.write(io.netty.buffer.Unpooled.wrappedBuffer(sent, off, 16384));
              }
              ctx.flush();
            }

            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
              io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) msg;
              byte[] part = new byte[b.readableBytes()];
              b.readBytes(part);
              b.release();
              got.write(part, 0, part.length);
              if (got.size() >= total) {
                echoed.complete(got.toByteArray());
              }
            }

            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
              echoed.completeExceptionally(cause);
            }
          })
          .connect(new InetSocketAddress(serverIp, 7002)).sync().channel();
      assertThat(ch.remoteAddress()).isEqualTo(new InetSocketAddress(serverIp, 7002));
      assertThat(echoed.get(60, TimeUnit.SECONDS)).isEqualTo(sent);
      ch.close().sync();
      listener.close().sync();
    } finally {
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void nonBlockingConnectToAClosedPortThrowsConnectionRefusedFromFinishConnect() throws Exception {
    SelectorProvider nio = client.selectorProvider();
    try (Selector sel = nio.openSelector(); SocketChannel c = nio.openSocketChannel()) {
      c.configureBlocking(false);
      c.connect(new InetSocketAddress(serverIp, 9));
      SelectionKey k = c.register(sel, SelectionKey.OP_CONNECT);
      assertThat(sel.select(10_000)).isEqualTo(1);
      assertThat(k.isConnectable()).isTrue();
      assertThatThrownBy(c::finishConnect).isExactlyInstanceOf(ConnectException.class).hasMessage("Connection refused");
      assertThat(c.isOpen()).isFalse();
    }
  }

  @Test
  void blockingChannelsAcrossTheNetwork() throws Exception {
    SelectorProvider nio = server.selectorProvider();
    try (ServerSocketChannel ss = nio.openServerSocketChannel().bind(new InetSocketAddress(7001));
        SocketChannel c = client.selectorProvider().openSocketChannel()) {
      assertThat(c.connect(new InetSocketAddress(serverIp, 7001))).isTrue();
      SocketChannel s = ss.accept();
      assertThat(((InetSocketAddress) s.getLocalAddress()).getAddress()).isEqualTo(serverIp);
      c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      ByteBuffer b = ByteBuffer.allocate(3);
      while (b.hasRemaining()) {
        s.read(b);
      }
      assertThat(b.array()).containsExactly(1, 2, 3);
      s.close();
    }
  }
}
