package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.Seq;
import io.zt4j.stack.wire.TcpHeader;
import io.zt4j.stack.wire.TcpOptions;

/**
 * One TCP connection (the RFC's TCB) and the application's handle to it.
 *
 * <p>The state machine lives here as one small method per situation (RFC 9293 §3.10.7: segment
 * in SYN_SENT, the synchronized-state checks, RST and SYN handling, ACK processing, data and
 * FIN); the send half is {@link TcpSender}, the receive half {@link TcpReceiver}, the
 * congestion controller a {@link CongestionControl}.
 *
 * <h2>Application side</h2>
 * Non-blocking calls that report partial progress: {@link #send} returns the bytes accepted into
 * the send buffer (0 when full), {@link #receive} the bytes copied out (0 when nothing is there,
 * {@link #EOF} after the peer's FIN, {@link #FAILED} with {@link #error()} set). Each call copies
 * exactly once (into or out of the ring). {@link #shutdownOutput}, {@link #shutdownInput},
 * {@link #close} (graceful, honouring linger) and {@link #abort} (RST) end it. {@link
 * #readiness()} gives selector bits; the layer's ready queue says when they changed.
 *
 * <p>Threading: every method runs on the stack's owner thread; nothing here blocks. Methods
 * that may send take {@code nowNanos}.
 */
public final class TcpSocket extends TcpEndpoint {
  /** {@link #receive} result: the peer finished sending and everything was read. */
  public static final int EOF = -1;
  /** {@link #send}/{@link #receive} result: the connection failed, see {@link #error()}. */
  public static final int FAILED = -2;
  /** {@link #send} result: this socket can no longer send (output shut down or not connected). */
  public static final int NOT_ALLOWED = -3;

  private static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

  final Tcp layer;
  final boolean v4;
  final long localHi;
  final long localLo;
  final long remoteHi;
  final long remoteLo;
  final int localPort;
  final int remotePort;
  final TcpSender sender;
  final TcpReceiver receiver;
  final RtoEstimator rto;

  TcpState state = TcpState.CLOSED;
  TcpError error = TcpError.NONE;
  /** ICMP soft error seen while connected (reported only if the connection times out). */
  TcpError softError = TcpError.NONE;
  /** Set when the application called close(): nobody reads from this socket anymore. */
  boolean appClosed;
  boolean outputShutdown;
  /** The listener that created this socket, until it is accepted. */
  TcpListener parent;
  boolean accepted;
  /** Counted in the parent's SYN queue (half-open). */
  boolean embryo;

  boolean tsOk;
  int tsOffset;
  /** Largest segment payload + options the peer and the path accept (MSS w/o our options). */
  int mssRaw = 536;
  int localMssRaw;
  /** Our window-scale shift offered in the SYN (-1: none offered). */
  int offeredScale = -1;
  boolean peerOfferedScale;

  // options copied from the layer config, changeable per socket
  boolean keepAlive;
  long keepAliveIdleNanos;
  long keepAliveIntervalNanos;
  int keepAliveProbes;
  /** SO_LINGER in nanoseconds; -1 when off. */
  long lingerNanos = -1;

  long lastHeardAtNanos;
  /** Last time data moved (application read/write or segment arrival). */
  long lastActivityAtNanos;
  long keepaliveAt = Long.MAX_VALUE;
  int keepaliveSent;
  /** TIME_WAIT, orphaned FIN_WAIT_2, or linger deadline. */
  long stateTimerAt = Long.MAX_VALUE;
  long lingerAt = Long.MAX_VALUE;
  /** When to give back the buffers of a connection that went idle (rings empty). */
  long idleReleaseAt = Long.MAX_VALUE;

  // timer heap and demux bookkeeping (owned by Tcp)
  int heapIndex = -1;
  long heapKey;
  TcpSocket nextInBucket;
  boolean inTable;

  TcpSocket(Tcp layer, TcpConfig cfg, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
      int remotePort, int mtu) {
    super(layer.readyQueue);
    this.layer = layer;
    this.localHi = localHi;
    this.localLo = localLo;
    this.localPort = localPort;
    this.remoteHi = remoteHi;
    this.remoteLo = remoteLo;
    this.remotePort = remotePort;
    this.v4 = Tcp.isV4(remoteHi, remoteLo);
    this.rto = new RtoEstimator(cfg.minRtoNanos);
    this.sender = new TcpSender(this, cfg.sendBufferBytes, rto);
    this.receiver = new TcpReceiver(Math.min(cfg.receiveBufferBytes, cfg.receiveBufferMaxBytes), cfg.receiveBufferMaxBytes);
    this.receiver.delayedAckNanos = cfg.delayedAckNanos;
    this.localMssRaw = Math.max(64, Math.min(0xFFFF, mtu - (v4 ? 20 : 40) - TcpHeader.MIN_LENGTH));
    this.mssRaw = localMssRaw;
    this.receiver.rcvMss = localMssRaw;
    this.sender.noDelay = cfg.noDelay;
    this.sender.mss = localMssRaw;
    this.sender.cc = cfg.congestionControl.create(localMssRaw);
    this.keepAlive = cfg.keepAlive;
    this.keepAliveIdleNanos = cfg.keepAliveIdleNanos;
    this.keepAliveIntervalNanos = cfg.keepAliveIntervalNanos;
    this.keepAliveProbes = cfg.keepAliveProbes;
    if (cfg.windowScaling) {
      int shift = 0;
      while (shift < TcpOptions.MAX_WSCALE && (cfg.receiveBufferMaxBytes >>> shift) > 0xFFFF) {
        shift++;
      }
      offeredScale = shift;
    }
  }

  // ---------------------------------------------------------------- application API

  public TcpState state() {
    return state;
  }

  /** Why the connection failed ({@link TcpError#NONE} while it has not). */
  public TcpError error() {
    return error;
  }

  public long localAddressHi() {
    return localHi;
  }

  public long localAddressLo() {
    return localLo;
  }

  public long remoteAddressHi() {
    return remoteHi;
  }

  public long remoteAddressLo() {
    return remoteLo;
  }

  public int localPort() {
    return localPort;
  }

  public int remotePort() {
    return remotePort;
  }

  /**
   * Queues up to {@code len} bytes for sending (copied into the send buffer) and sends what
   * the windows allow. Returns the bytes accepted (0 when the buffer is full), {@link #FAILED},
   * or {@link #NOT_ALLOWED} after shutdownOutput/close or when not connecting/connected.
   */
  public int send(byte[] src, int off, int len, long nowNanos) {
    try {
      if (error != TcpError.NONE) {
        return FAILED;
      }
      if (outputShutdown || appClosed || !state.canSend()) {
        return NOT_ALLOWED;
      }
      lastActivityAtNanos = nowNanos;
      int n = sender.write(src, off, len);
      if (n > 0 && sender.synAcked) {
        sender.output(nowNanos);
        layer.reschedule(this);
      }
      return n;
    } finally {
      observed();
    }
  }

  /** Room left in the send buffer. */
  public int sendBufferFree() {
    return sender.ring.free();
  }

  /** Bytes written by the application that the peer has not acknowledged yet. */
  public int sendQueued() {
    return sender.queued();
  }

  /**
   * Copies up to {@code len} received bytes out. Returns the count, 0 when nothing is buffered,
   * {@link #EOF} once the peer's FIN was reached, or {@link #FAILED} ({@link #error()}).
   */
  public int receive(byte[] dst, int off, int len, long nowNanos) {
    try {
      if (len > 0 && receiver.readable() > 0) {
        lastActivityAtNanos = nowNanos;
        int n = receiver.read(dst, off, len, nowNanos, rto.srttNanos());
        noteBuffers(nowNanos);
        layer.reschedule(this);
        if (state.synchronizedState() && state != TcpState.TIME_WAIT && receiver.windowUpdateWorthwhile()) {
          receiver.ackNow = true;
          flush(nowNanos);
        }
        return n;
      }
      if (receiver.readable() > 0) {
        return 0;
      }
      if (error != TcpError.NONE) {
        return FAILED;
      }
      if (receiver.finReceived || receiver.inputShutdown || state == TcpState.CLOSED) {
        return EOF;
      }
      return 0;
    } finally {
      observed();
    }
  }

  /** Bytes ready to read. */
  public int available() {
    return receiver.readable();
  }

  /** Sends a FIN after the queued data (SHUT_WR). Idempotent. */
  public void shutdownOutput(long nowNanos) {
    if (!outputShutdown) {
      outputShutdown = true;
      switch (state) {
        case ESTABLISHED:
          state = TcpState.FIN_WAIT_1;
          sender.finQueued = true;
          break;
        case CLOSE_WAIT:
          state = TcpState.LAST_ACK;
          sender.finQueued = true;
          break;
        case SYN_SENT:
        case SYN_RECEIVED:
          sender.finQueued = true; // sent once the handshake completes
          break;
        default:
          break;
      }
      flush(nowNanos);
    }
    observed();
  }

  /** Discards buffered input and any that arrives later (SHUT_RD); reads return EOF. */
  public void shutdownInput() {
    receiver.shutdown();
    observed();
  }

  /**
   * Closes the application's handle. Unread input makes it an abort (RST, RFC 9293 §3.10.4 and
   * RFC 2525 §2.17); linger 0 aborts; otherwise a FIN follows the queued data and the stack
   * finishes the close on its own (FIN_WAIT_2 bounded by a timeout, then TIME_WAIT). With a
   * positive linger, data still unacknowledged when it runs out is discarded with a RST.
   */
  public void close(long nowNanos) {
    if (appClosed) {
      return;
    }
    appClosed = true;
    if (state == TcpState.CLOSED) {
      layer.detach(this);
      return;
    }
    if (state == TcpState.SYN_SENT) {
      toClosed(TcpError.NONE);
      return;
    }
    if (receiver.readable() > 0 || lingerNanos == 0) {
      abort(nowNanos);
      return;
    }
    receiver.shutdown();
    if (lingerNanos > 0) {
      lingerAt = nowNanos + lingerNanos;
    }
    shutdownOutput(nowNanos);
    layer.reschedule(this);
  }

  /** Resets the connection: RST to the peer (when synchronized), buffers dropped, CLOSED. */
  public void abort(long nowNanos) {
    appClosed = true;
    if (state != TcpState.CLOSED && state != TcpState.SYN_SENT && state != TcpState.TIME_WAIT) {
      emitReset(nowNanos);
    }
    toClosed(TcpError.NONE);
  }

  /** Disables (true) or enables (false) Nagle's algorithm (TCP_NODELAY). */
  public void noDelay(boolean on) {
    sender.noDelay = on;
  }

  public boolean noDelay() {
    return sender.noDelay;
  }

  /** SO_KEEPALIVE with its idle time, probe interval and probe count. */
  public void keepAlive(boolean on, long idleNanos, long intervalNanos, int probes, long nowNanos) {
    keepAlive = on;
    keepAliveIdleNanos = idleNanos;
    keepAliveIntervalNanos = intervalNanos;
    keepAliveProbes = probes;
    keepaliveSent = 0;
    keepaliveAt = on && state.synchronizedState() ? nowNanos + idleNanos : Long.MAX_VALUE;
    layer.reschedule(this);
  }

  public boolean keepAlive() {
    return keepAlive;
  }

  /** SO_LINGER: -1 off, 0 abort on close, otherwise how long close waits for data to be acknowledged. */
  public void lingerNanos(long nanos) {
    lingerNanos = nanos;
  }

  public long lingerNanos() {
    return lingerNanos;
  }

  /** SO_SNDBUF. */
  public void sendBufferSize(int bytes) {
    sender.ring.limit(Math.max(bytes, 1));
  }

  public int sendBufferSize() {
    return sender.ring.limit();
  }

  /** SO_RCVBUF: fixes the receive buffer (turns auto-tuning off); never shrinks below what was advertised. */
  public void receiveBufferSize(int bytes) {
    receiver.autoTune = false;
    receiver.maxLimit = Math.max(bytes, receiver.ring.size());
    receiver.ring.limit(Math.max(bytes, 1));
  }

  public int receiveBufferSize() {
    return receiver.ring.limit();
  }

  /**
   * Bytes of buffer memory this connection holds now: send and receive rings, and the SACK
   * scoreboard and out-of-order range tables (all allocated on use, released when idle).
   */
  public int bufferBytes() {
    return sender.ring.allocated() + receiver.ring.allocated() + sender.scoreboard.tableBytes()
        + receiver.ooo.tableBytes();
  }

  /** Smoothed RTT (0 before the first sample). */
  public long srttNanos() {
    return rto.srttNanos();
  }

  /** Largest payload per segment in use. */
  public int mss() {
    return sender.mss;
  }

  public int congestionWindow() {
    return sender.cc.cwnd();
  }

  public long segmentsRetransmitted() {
    return sender.segmentsRetransmitted;
  }

  public long segmentsSent() {
    return sender.segmentsSent;
  }

  public int rtoExpiries() {
    return sender.rtoExpiries;
  }

  /** ACKs from the peer that reported a duplicate it received (D-SACK, RFC 2883). */
  public long dsacksReceived() {
    return sender.dsacksReceived;
  }

  public int fastRecoveries() {
    return sender.fastRecoveries;
  }

  /** The stack-wide error code for a TCP failure reason. */
  public static SocketError socketError(TcpError e) {
    switch (e) {
      case REFUSED:
        return SocketError.CONNECTION_REFUSED;
      case RESET:
        return SocketError.CONNECTION_RESET;
      case TIMED_OUT:
        return SocketError.TIMED_OUT;
      case UNREACHABLE:
        return SocketError.HOST_UNREACHABLE;
      case SHUT_DOWN:
        return SocketError.CLOSED;
      case NOT_CONNECTED:
        return SocketError.NOT_CONNECTED;
      case ADDRESS_IN_USE:
        return SocketError.NO_PORTS;
      default:
        return null;
    }
  }

  /** {@link #close(long)} at the layer's latest time ({@link io.zt4j.stack.socket.StackSocket#close()}). */
  @Override
  public void close() {
    close(layer.lastNowNanos);
  }

  /** True once the application closed or aborted it, or the connection is gone. */
  @Override
  public boolean isClosed() {
    return appClosed || state == TcpState.CLOSED;
  }

  @Override
  public int readiness() {
    int r = 0;
    if (receiver.readable() > 0 || receiver.finReceived || receiver.inputShutdown) {
      r |= Readiness.READABLE;
    }
    if (error != TcpError.NONE) {
      r |= Readiness.ERROR | Readiness.READABLE;
    }
    if (!outputShutdown && state.synchronizedState() && state.canSend()
        && sender.ring.free() >= Math.max(1, sender.ring.limit() / 4)) {
      r |= Readiness.WRITABLE;
    }
    if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT || (receiver.finReceived && outputShutdown)) {
      r |= Readiness.HANGUP;
    }
    return r;
  }

  @Override
  public String toString() {
    return "TcpSocket[" + Tcp.addressString(localHi, localLo) + ":" + localPort + " -> "
        + Tcp.addressString(remoteHi, remoteLo) + ":" + remotePort + " " + state
        + (error != TcpError.NONE ? " " + error : "") + "]";
  }

  // ---------------------------------------------------------------- opening

  /** Active open: SYN_SENT and the first SYN. */
  void openActive(int iss, long nowNanos) {
    sender.init(iss);
    state = TcpState.SYN_SENT;
    sender.output(nowNanos);
  }

  /** Passive open from a SYN: SYN_RECEIVED and the SYN-ACK. */
  void openPassive(int iss, TcpHeader syn, TcpOptions opts, long nowNanos) {
    sender.init(iss);
    receiver.init(syn.seq());
    negotiate(opts, true);
    sender.sndWnd = syn.window(); // unscaled in a SYN (RFC 7323 §2.2)
    sender.sndWl1 = syn.seq();
    sender.sndWl2 = iss;
    sender.maxSndWnd = sender.sndWnd;
    state = TcpState.SYN_RECEIVED;
    lastHeardAtNanos = nowNanos;
    sender.output(nowNanos);
  }

  /** Passive open completed by a valid SYN cookie: ESTABLISHED directly. */
  void openFromCookie(int iss, int irs, int mssRaw, boolean ts, int tsRecent, int peerScale, boolean sack,
      TcpHeader ack, long nowNanos) {
    sender.init(iss);
    receiver.init(irs);
    this.mssRaw = Math.min(mssRaw, localMssRaw);
    this.tsOk = ts;
    receiver.tsRecent = tsRecent;
    receiver.tsRecentAtNanos = nowNanos;
    if (peerScale >= 0 && offeredScale >= 0) {
      sender.sndScale = peerScale;
      receiver.rcvScale = offeredScale;
    } else {
      receiver.rcvScale = 0;
      offeredScale = -1;
    }
    sender.sackOk = sack;
    applyMss();
    sender.sndNxt = iss + 1;
    sender.sndMax = iss + 1;
    sender.sndWl1 = ack.seq() - 1;
    state = TcpState.SYN_RECEIVED;
    lastHeardAtNanos = nowNanos;
  }

  private void negotiate(TcpOptions o, boolean passive) {
    int peerMss = o.mss > 0 ? o.mss : (v4 ? 536 : 1220);
    mssRaw = Math.max(64, Math.min(peerMss, localMssRaw));
    peerOfferedScale = o.wscale >= 0;
    if (offeredScale >= 0 && o.wscale >= 0) {
      sender.sndScale = o.wscale;
      receiver.rcvScale = offeredScale;
    } else {
      sender.sndScale = 0;
      receiver.rcvScale = 0;
      if (passive) {
        offeredScale = -1; // RFC 7323 §2.2: no scale option in the SYN-ACK unless the SYN had one
      }
    }
    sender.sackOk = layer.config.sack && o.sackPermitted;
    tsOk = layer.config.timestamps && o.hasTimestamps;
    if (tsOk) {
      receiver.tsRecent = o.tsVal;
      receiver.tsRecentAtNanos = lastHeardAtNanos;
    }
    applyMss();
  }

  private void applyMss() {
    sender.mss = mssRaw - (tsOk ? 12 : 0);
    sender.cc.mss(sender.mss);
    sender.cc = layer.config.congestionControl.create(sender.mss);
  }

  // ---------------------------------------------------------------- segment arrival

  /**
   * RFC 6191 (and RFC 9293 §3.6.1): may a SYN for this TIME_WAIT connection's address pair open a
   * new connection? Only a plain SYN that is surely newer than everything of this incarnation:
   * its timestamp above TS.Recent when both used timestamps, else its sequence number beyond
   * RCV.NXT. Anything else keeps the usual TIME_WAIT handling (challenge ACK).
   */
  boolean acceptsNewIncarnation(TcpHeader h, TcpOptions o) {
    if (state != TcpState.TIME_WAIT || !h.has(TcpHeader.SYN) || h.has(TcpHeader.ACK) || h.has(TcpHeader.RST)) {
      return false;
    }
    if (tsOk && o.hasTimestamps) {
      return Seq.gt(o.tsVal, receiver.tsRecent);
    }
    return !tsOk && Seq.gt(h.seq(), receiver.rcvNxt);
  }

  /** Ends TIME_WAIT early because a new incarnation of the connection takes over its pair. */
  void reuseFromTimeWait() {
    toClosed(TcpError.NONE);
  }

  /** A segment for this connection (checksum and options already checked by the layer). */
  void onSegment(TcpHeader h, TcpOptions o, long nowNanos) {
    lastHeardAtNanos = nowNanos;
    lastActivityAtNanos = nowNanos;
    keepaliveSent = 0;
    if (keepAlive && state.synchronizedState()) {
      keepaliveAt = nowNanos + keepAliveIdleNanos;
    }
    if (state == TcpState.SYN_SENT) {
      onSegmentInSynSent(h, o, nowNanos);
    } else if (state != TcpState.CLOSED) {
      onSegmentSynchronized(h, o, nowNanos);
    }
    flush(nowNanos);
    noteBuffers(nowNanos);
  }

  /** RFC 9293 §3.10.7.3. */
  private void onSegmentInSynSent(TcpHeader h, TcpOptions o, long nowNanos) {
    boolean ack = h.has(TcpHeader.ACK);
    if (ack && (Seq.le(h.ack(), sender.iss) || Seq.gt(h.ack(), sender.sndMax))) {
      if (!h.has(TcpHeader.RST)) {
        layer.sendReset(localHi, localLo, remoteHi, remoteLo, localPort, remotePort, h.ack(), 0, false, nowNanos);
      }
      layer.count(TcpDrop.UNACCEPTABLE_ACK);
      return;
    }
    if (h.has(TcpHeader.RST)) {
      if (ack) {
        toClosed(TcpError.REFUSED);
      }
      return;
    }
    if (!h.has(TcpHeader.SYN)) {
      return;
    }
    receiver.init(h.seq());
    negotiate(o, false);
    if (ack) {
      sender.sndWl1 = h.seq() - 1;
      int scale = sender.sndScale;
      sender.sndScale = 0; // the window in a SYN-ACK is never scaled
      sender.onAck(h.seq(), h.ack(), h.window(), 0, o, nowNanos, tsNowMs(nowNanos));
      sender.sndScale = scale;
      established(nowNanos);
      receiver.ackNow = true;
    } else {
      // simultaneous open (RFC 9293 §3.5, figure 8): answer with SYN-ACK
      sender.sndWnd = h.window();
      sender.sndWl1 = h.seq();
      sender.sndWl2 = sender.iss;
      sender.maxSndWnd = sender.sndWnd;
      state = TcpState.SYN_RECEIVED;
      sender.sndNxt = sender.iss;
    }
  }

  /** RFC 9293 §3.10.7.4, for SYN_RECEIVED and every synchronized state. */
  private void onSegmentSynchronized(TcpHeader h, TcpOptions o, long nowNanos) {
    int seq = h.seq();
    int seqLen = h.sequenceLength();
    boolean rst = h.has(TcpHeader.RST);
    boolean syn = h.has(TcpHeader.SYN);
    if (state == TcpState.SYN_RECEIVED && syn && !h.has(TcpHeader.ACK) && seq == receiver.irs) {
      sender.sndNxt = sender.iss; // the peer lost our SYN-ACK: send it again
      if (tsOk && o.hasTimestamps && Seq.ge(o.tsVal, receiver.tsRecent)) {
        receiver.tsRecent = o.tsVal; // echo this SYN, so the peer's RTT sample is this round trip
        receiver.tsRecentAtNanos = nowNanos;
      }
      return;
    }
    if (!rst && tsOk && o.hasTimestamps && Seq.lt(o.tsVal, receiver.tsRecent)
        && nowNanos - receiver.tsRecentAtNanos < PAWS_IDLE_NANOS) {
      layer.count(TcpDrop.PAWS);
      receiver.ackNow = true; // RFC 7323 §5.3 R1
      return;
    }
    if (!acceptable(seq, seqLen)) {
      layer.count(TcpDrop.OUT_OF_WINDOW);
      if (!rst) {
        receiver.ackNow = true;
        if (!syn && seqLen > 0 && Seq.le(seq + seqLen, receiver.rcvNxt)) {
          onDuplicate(seq, seqLen, o, nowNanos);
        }
      }
      return;
    }
    if (rst) {
      if (state == TcpState.TIME_WAIT) {
        // RFC 1337 §3 (TIME-WAIT assassination): a RST must not cut 2MSL short, or an old
        // duplicate of this connection could be taken for a new one's data. The typical RST here
        // answers our duplicate ACK after the peer already forgot the connection.
        layer.count(TcpDrop.RST_IN_TIME_WAIT);
        return;
      }
      onReset(seq, nowNanos);
      return;
    }
    if (syn) {
      challengeAck(nowNanos); // RFC 5961 §4.2
      return;
    }
    if (!h.has(TcpHeader.ACK)) {
      return;
    }
    if (state == TcpState.SYN_RECEIVED && !onAckInSynReceived(h, nowNanos)) {
      return;
    }
    int r = sender.onAck(seq, h.ack(), h.window(), seqLen, o, nowNanos, tsNowMs(nowNanos));
    if (r != TcpSender.ACK_OK) {
      layer.count(TcpDrop.UNACCEPTABLE_ACK);
      receiver.ackNow = true; // RFC 5961 §5.2 / RFC 9293: ACK and drop
      return;
    }
    if (tsOk && o.hasTimestamps && Seq.ge(o.tsVal, receiver.tsRecent) && Seq.le(seq, receiver.lastAckSent)) {
      receiver.tsRecent = o.tsVal; // RFC 7323 §4.3
      receiver.tsRecentAtNanos = nowNanos;
    }
    if (!onOurFinAcked(nowNanos)) {
      return;
    }
    if (h.payloadLength() > 0 || h.has(TcpHeader.FIN)) {
      onText(h, nowNanos);
    }
  }

  /**
   * A retransmission of bytes we already have (the peer missed our ACK). The duplicate ACK we
   * send at once echoes this copy's TSval, as Linux does for a retransmission that ends at the
   * point it last acknowledged: RFC 7323 §5.3 would reject it (R2) before recording its timestamp
   * (R3), and the echo would then name an earlier transmission, so the sender's RTT sample would
   * include the time it spent recovering from our lost ACKs. The PAWS check has already passed.
   */
  private void onDuplicate(int seq, int seqLen, TcpOptions o, long nowNanos) {
    if (tsOk && o.hasTimestamps && Seq.ge(o.tsVal, receiver.tsRecent)) {
      receiver.tsRecent = o.tsVal;
      receiver.tsRecentAtNanos = nowNanos;
    }
  }

  /** RFC 9293 §3.4 segment acceptability test against the window we advertised. */
  private boolean acceptable(int seq, int seqLen) {
    int rcvNxt = receiver.rcvNxt;
    long wnd = Seq.lt(receiver.rcvAdvEdge, rcvNxt) ? 0 : Seq.distance(rcvNxt, receiver.rcvAdvEdge);
    wnd = Math.max(wnd, receiver.space());
    if (seq == rcvNxt) {
      return true;
    }
    if (seqLen == 0) {
      return wnd > 0 && Seq.inRange(seq, rcvNxt, rcvNxt + (int) wnd);
    }
    if (wnd == 0) {
      return false;
    }
    int end = seq + seqLen - 1;
    return Seq.inRange(seq, rcvNxt, rcvNxt + (int) wnd) || Seq.inRange(end, rcvNxt, rcvNxt + (int) wnd)
        || (Seq.lt(seq, rcvNxt) && Seq.gt(end, rcvNxt));
  }

  /** RST in window (RFC 5961 §3.2): exact match resets, anything else gets a challenge ACK. */
  private void onReset(int seq, long nowNanos) {
    if (seq != receiver.rcvNxt) {
      challengeAck(nowNanos);
      return;
    }
    switch (state) {
      case SYN_RECEIVED:
        toClosed(parent != null ? TcpError.NONE : TcpError.REFUSED);
        break;
      case CLOSING:
      case LAST_ACK:
      case TIME_WAIT:
        toClosed(TcpError.NONE);
        break;
      default:
        toClosed(TcpError.RESET);
        break;
    }
  }

  private void challengeAck(long nowNanos) {
    if (layer.allowChallengeAck(nowNanos)) {
      receiver.ackNow = true;
    } else {
      layer.count(TcpDrop.CHALLENGE_ACK_LIMITED);
    }
  }

  /** SYN_RECEIVED: an acceptable ACK of our SYN completes the handshake; anything else gets a RST. */
  private boolean onAckInSynReceived(TcpHeader h, long nowNanos) {
    int ack = h.ack();
    if (!(Seq.gt(ack, sender.sndUna) && Seq.le(ack, sender.sndMax))) {
      layer.sendReset(localHi, localLo, remoteHi, remoteLo, localPort, remotePort, ack, 0, false, nowNanos);
      layer.count(TcpDrop.UNACCEPTABLE_ACK);
      return false;
    }
    if (parent != null && !parent.canQueue()) {
      layer.count(TcpDrop.ACCEPT_QUEUE_FULL); // like Linux: ignore; our SYN-ACK will be retransmitted
      return false;
    }
    established(nowNanos);
    return true;
  }

  private void established(long nowNanos) {
    state = TcpState.ESTABLISHED;
    sender.retries = 0;
    if (keepAlive) {
      keepaliveAt = nowNanos + keepAliveIdleNanos;
    }
    if (sender.finQueued) {
      state = TcpState.FIN_WAIT_1;
    }
    if (parent != null) {
      parent.onEstablished(this);
    }
  }

  /** Transitions when our FIN is acknowledged. Returns false when processing must stop. */
  private boolean onOurFinAcked(long nowNanos) {
    boolean finAcked = sender.finQueued && sender.sndUna == sender.dataEnd() + 1;
    switch (state) {
      case FIN_WAIT_1:
        if (finAcked) {
          state = TcpState.FIN_WAIT_2;
          if (appClosed) {
            stateTimerAt = nowNanos + layer.config.finWait2TimeoutNanos;
          }
        }
        return true;
      case CLOSING:
        if (finAcked) {
          enterTimeWait(nowNanos);
        }
        return false;
      case LAST_ACK:
        if (finAcked) {
          toClosed(TcpError.NONE);
        }
        return false;
      case TIME_WAIT:
        return true;
      default:
        return true;
    }
  }

  /** Payload and FIN (RFC 9293 §3.10.7.4 seventh and eighth steps). */
  private void onText(TcpHeader h, long nowNanos) {
    boolean fin = h.has(TcpHeader.FIN);
    if (state == TcpState.TIME_WAIT) {
      if (fin) {
        receiver.ackNow = true; // a retransmitted FIN: ACK it and restart 2MSL
        stateTimerAt = nowNanos + layer.config.timeWaitNanos;
      }
      return;
    }
    if (!state.receivesData()) {
      if (fin) {
        receiver.ackNow = true;
      }
      return;
    }
    if (appClosed && h.payloadLength() > 0 && Seq.gt(h.seq() + h.payloadLength(), receiver.rcvNxt)) {
      // nobody will read it: tell the peer (RFC 9293 §3.10.4, what Linux does)
      layer.count(TcpDrop.DATA_AFTER_CLOSE);
      abort(nowNanos);
      return;
    }
    boolean finNow = receiver.onSegment(h.seq(), h.buffer(), h.payloadOffset(), h.payloadLength(), fin, nowNanos);
    if (!finNow) {
      return;
    }
    switch (state) {
      case ESTABLISHED:
        state = TcpState.CLOSE_WAIT;
        break;
      case FIN_WAIT_1:
        if (sender.finQueued && sender.sndUna == sender.dataEnd() + 1) {
          enterTimeWait(nowNanos);
        } else {
          state = TcpState.CLOSING;
        }
        break;
      case FIN_WAIT_2:
        enterTimeWait(nowNanos);
        break;
      default:
        break;
    }
  }

  private void enterTimeWait(long nowNanos) {
    state = TcpState.TIME_WAIT;
    stateTimerAt = nowNanos + layer.config.timeWaitNanos;
    sender.rtoAt = Long.MAX_VALUE;
    sender.persistAt = Long.MAX_VALUE;
    keepaliveAt = Long.MAX_VALUE;
    lingerAt = Long.MAX_VALUE;
    sender.ring.release();
    sender.scoreboard.clear();
    sender.scoreboard.release();
    receiver.releaseMemory();
  }

  /** An ICMP error about this connection (RFC 5927 checks done by the layer; RFC 1122 §4.2.3.9). */
  void onIcmpError(TcpError kind, boolean hard, int mtu, long nowNanos) {
    if (mtu > 0) {
      int newRaw = Math.max(64, mtu - (v4 ? 20 : 40) - TcpHeader.MIN_LENGTH);
      if (newRaw < mssRaw) {
        mssRaw = newRaw;
        sender.mss = mssRaw - (tsOk ? 12 : 0);
        sender.cc.mss(sender.mss);
        // resend what the smaller path could not carry
        sender.sndNxt = sender.sndUna;
        flush(nowNanos);
      }
      return;
    }
    if (state == TcpState.SYN_SENT && hard) {
      toClosed(kind);
    } else {
      softError = kind;
    }
  }

  // ---------------------------------------------------------------- timers

  long nextDeadline() {
    long d = Math.min(sender.rtoAt, sender.persistAt);
    d = Math.min(d, receiver.delayedAckAt);
    d = Math.min(d, keepaliveAt);
    d = Math.min(d, stateTimerAt);
    d = Math.min(d, idleReleaseAt);
    return Math.min(d, lingerAt);
  }

  void onTimers(long nowNanos) {
    if (state == TcpState.CLOSED) {
      return;
    }
    if (stateTimerAt <= nowNanos) {
      stateTimerAt = Long.MAX_VALUE;
      if (state == TcpState.TIME_WAIT || state == TcpState.FIN_WAIT_2) {
        toClosed(TcpError.NONE);
        return;
      }
    }
    if (lingerAt <= nowNanos) {
      lingerAt = Long.MAX_VALUE;
      if (sender.sndUna != sender.sndMax || sender.queued() > 0) {
        abort(nowNanos);
        return;
      }
    }
    if (idleReleaseAt <= nowNanos) {
      idleReleaseAt = Long.MAX_VALUE;
      releaseIfIdle(nowNanos);
    }
    if (receiver.delayedAckAt <= nowNanos) {
      receiver.ackNow = true;
      receiver.delayedAckAt = Long.MAX_VALUE;
    }
    if (sender.rtoAt <= nowNanos) {
      int max = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED
          ? layer.config.synRetries : layer.config.maxRetransmits;
      if (!sender.onRtoExpired(nowNanos, max)) {
        toClosed(softError != TcpError.NONE ? softError : TcpError.TIMED_OUT);
        return;
      }
    }
    if (sender.persistAt <= nowNanos) {
      if (!sender.onPersistExpired(nowNanos, layer.config.maxRetransmits)) {
        toClosed(TcpError.TIMED_OUT);
        return;
      }
      if (!sender.forceSendIntoWindow(nowNanos)) {
        emitProbe(nowNanos);
      }
    }
    if (keepaliveAt <= nowNanos) {
      if (!keepAlive || !state.synchronizedState()) {
        keepaliveAt = Long.MAX_VALUE;
      } else if (keepaliveSent >= keepAliveProbes) {
        toClosed(TcpError.TIMED_OUT);
        return;
      } else {
        keepaliveSent++;
        emitProbe(nowNanos);
        keepaliveAt = nowNanos + keepAliveIntervalNanos;
      }
    }
    flush(nowNanos);
  }

  /** Sends what is due: data/FIN/SYN by the sender's rules, else a pure ACK if one is owed. */
  void flush(long nowNanos) {
    if (state == TcpState.CLOSED) {
      return;
    }
    int sent = 0;
    if (state != TcpState.TIME_WAIT) {
      if (state == TcpState.SYN_RECEIVED && sender.sndNxt != sender.iss && !sender.synAcked) {
        sent = 0;
      } else {
        sent = sender.output(nowNanos);
      }
    }
    if (sent > 0 || state == TcpState.SYN_SENT) {
      return;
    }
    if (!receiver.ackNow && receiver.ackDue && layer.inInputBatch()
        && receiver.bytesSinceAck < receiver.stretchLimit(layer.config.ackStretchSegments)) {
      layer.deferAck(this); // one ACK at the end of the batch covers what else it brings
      return;
    }
    if (receiver.ackNow || receiver.ackDue) {
      // a pure ACK carries the next new sequence number, not a rewound SND.NXT: while we go back
      // after an RTO, SND.NXT may lie below what the peer already has, and it would discard the
      // ACK as out of window (both sides doing so deadlocks the connection)
      emit(sender.sndMax, 0, false, nowNanos);
    }
  }

  /** Buffers held by an idle connection are released after this long without traffic. */
  static final long IDLE_RELEASE_NANOS = 1_000_000_000L;

  /**
   * Arms the idle-release timer when a ring holds memory but no bytes, so idle connections cost
   * no buffer memory while busy ones keep their buffers (no realloc churn on the data path).
   */
  void noteBuffers(long nowNanos) {
    if (idleReleaseAt == Long.MAX_VALUE
        && (sender.ring.allocated() > 0 && sender.ring.isEmpty()
            || receiver.ring.allocated() > 0 && receiver.ring.isEmpty() && receiver.ooo.isEmpty())) {
      idleReleaseAt = nowNanos + IDLE_RELEASE_NANOS;
    }
  }

  private void releaseIfIdle(long nowNanos) {
    if (nowNanos - lastActivityAtNanos < IDLE_RELEASE_NANOS) {
      idleReleaseAt = lastActivityAtNanos + IDLE_RELEASE_NANOS;
      return;
    }
    if (sender.ring.isEmpty()) {
      sender.ring.release();
    }
    sender.scoreboard.release();
    receiver.releaseMemory();
  }

  // ---------------------------------------------------------------- emission

  int tsNowMs(long nowNanos) {
    return (int) (nowNanos / 1_000_000L) + tsOffset;
  }

  /** SYN (SYN_SENT) or SYN-ACK (SYN_RECEIVED) with our options. */
  void emitSyn(long nowNanos) {
    TcpOptions o = layer.txOptions.clear();
    o.mss = localMssRaw;
    boolean synAck = state == TcpState.SYN_RECEIVED;
    if (offeredScale >= 0 && (!synAck || peerOfferedScale)) {
      o.wscale = offeredScale;
    }
    TcpConfig c = layer.config;
    if (synAck ? sender.sackOk : c.sack) {
      o.sackPermitted = true;
    }
    if (synAck ? tsOk : c.timestamps) {
      o.hasTimestamps = true;
      o.tsVal = tsNowMs(nowNanos);
      o.tsEcr = synAck ? receiver.tsRecent : 0;
    }
    int flags = TcpHeader.SYN | (synAck ? TcpHeader.ACK : 0);
    int window = Math.min(receiver.space(), 0xFFFF);
    layer.transmit(this, sender.iss, synAck ? receiver.rcvNxt : 0, flags, window, o, null, 0, 0, nowNanos);
    if (synAck) {
      receiver.ackSent();
      receiver.rcvAdvEdge = Seq.max(receiver.rcvAdvEdge, receiver.rcvNxt + window);
    }
  }

  /**
   * A segment from SND sequence {@code seq} with up to {@code dataLen} bytes from the send ring
   * (fewer if SACK blocks take option room) and FIN if asked and all data fit. Returns the data
   * bytes sent.
   */
  int emit(int seq, int dataLen, boolean fin, long nowNanos) {
    TcpOptions o = layer.txOptions.clear();
    if (tsOk) {
      o.hasTimestamps = true;
      o.tsVal = tsNowMs(nowNanos);
      o.tsEcr = receiver.tsRecent;
    }
    if (sender.sackOk && !receiver.ooo.isEmpty()) {
      o.sackCount = receiver.ooo.sackBlocks(o.sackLeft, o.sackRight, TcpOptions.MAX_SACK_BLOCKS);
    }
    int optLen = o.encodedLength();
    int room = mssRaw - optLen;
    int n = Math.max(0, Math.min(dataLen, room));
    if (n < dataLen) {
      fin = false;
    }
    int flags = TcpHeader.ACK;
    if (fin) {
      flags |= TcpHeader.FIN;
    }
    int ringAt = (int) Seq.distance(sender.sndBufSeq, seq);
    if (n > 0 && ringAt + n == sender.ring.size()) {
      flags |= TcpHeader.PSH;
    }
    int window = receiver.advertise(false);
    layer.transmit(this, seq, receiver.rcvNxt, flags, window, o, sender.ring, ringAt, n, nowNanos);
    receiver.ackSent();
    return n;
  }

  /** Zero-window or keepalive probe: an ACK one below SND.UNA, which the peer must answer. */
  void emitProbe(long nowNanos) {
    TcpOptions o = layer.txOptions.clear();
    if (tsOk) {
      o.hasTimestamps = true;
      o.tsVal = tsNowMs(nowNanos);
      o.tsEcr = receiver.tsRecent;
    }
    layer.transmit(this, sender.sndUna - 1, receiver.rcvNxt, TcpHeader.ACK, receiver.advertise(false), o, null, 0, 0,
        nowNanos);
  }

  private void emitReset(long nowNanos) {
    TcpOptions o = layer.txOptions.clear();
    layer.transmit(this, sender.sndNxt, receiver.rcvNxt, TcpHeader.RST | TcpHeader.ACK, 0, o, null, 0, 0, nowNanos);
  }

  // ---------------------------------------------------------------- closing

  void toClosed(TcpError why) {
    state = TcpState.CLOSED;
    if (why != TcpError.NONE && error == TcpError.NONE) {
      error = why;
      raise(socketError(why));
    }
    sender.rtoAt = Long.MAX_VALUE;
    sender.persistAt = Long.MAX_VALUE;
    receiver.delayedAckAt = Long.MAX_VALUE;
    keepaliveAt = Long.MAX_VALUE;
    stateTimerAt = Long.MAX_VALUE;
    lingerAt = Long.MAX_VALUE;
    idleReleaseAt = Long.MAX_VALUE;
    receiver.ackNow = false;
    receiver.ackDue = false;
    layer.detach(this);
  }
}
