package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.socket.ReadinessQueue;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.storage.ByteRing;
import io.zt4j.stack.wire.Checksum;
import io.zt4j.stack.wire.Seq;
import io.zt4j.stack.wire.TcpHeader;
import io.zt4j.stack.wire.TcpOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The TCP layer of one stack: demultiplexes segments to connections and listeners, answers
 * strays with RST, opens connections (ISNs per RFC 6528, ephemeral ports per RFC 6056 §3.3.3,
 * SYN cookies when a SYN queue overflows), runs every connection's timers from one heap, and
 * keeps the queue of endpoints whose readiness changed.
 *
 * <p>Inbound: the IP layer calls {@link #receive} with the addresses and the TCP segment
 * (the buffer is only read during the call). Outbound: segments are built in one reusable
 * buffer with {@link TcpIpOutput#headroom()} bytes free in front and handed to
 * {@link TcpIpOutput#send}. No allocation per segment on the data path.
 *
 * <p>Time: {@link #poll} runs due timers; {@link #pollAt} is the next deadline (it may be
 * early, never late). Only the stack's owner thread may call anything here.
 */
public final class Tcp {
  static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;
  /** SYN-cookie MSS table (3 bits): common path MSS values, incl. ZeroTier's 2800-byte MTU. */
  static final int[] COOKIE_MSS = {536, 1220, 1360, 1440, 1460, 2760, 8960, 65495};

  final TcpConfig config;
  final TcpIpOutput ip;
  private final SipHash hash;
  private final long tableKey;

  // outbound scratch
  byte[] txBuf;
  int txOff;
  private final int txTail;
  final TcpOptions txOptions = new TcpOptions();
  private final TcpHeader txHeader = new TcpHeader();
  // inbound scratch
  private final TcpHeader rxHeader = new TcpHeader();
  private final TcpOptions rxOptions = new TcpOptions();

  // demux table: chained buckets, power-of-two size
  private TcpSocket[] buckets = new TcpSocket[256];
  private int connections;
  private final List<TcpListener> listeners = new ArrayList<>();

  // timers: binary min-heap of sockets keyed by a deadline that is never later than theirs
  private TcpSocket[] heap = new TcpSocket[64];
  private int heapSize;

  final ReadinessQueue readyQueue;
  /** Latest time seen (for calls without a time argument, like {@link StackSocket#close()}). */
  long lastNowNanos;

  /** Between {@link #beginInputBatch} and {@link #endInputBatch}: pure ACKs may be coalesced. */
  private boolean inInputBatch;
  /** Connections whose ACK waits for the end of the input batch (each at most once). */
  private TcpSocket[] deferredAcks = new TcpSocket[16];
  private int deferredAckCount;

  private final long[] drops = new long[TcpDrop.values().length];
  private int nextEphemeral;
  private long challengeWindowStartNanos = Long.MIN_VALUE;
  private int challengeAcksInWindow;
  private final long[] srcScratch = new long[2];

  /**
   * @param ip the IP output path
   * @param config layer settings (kept by reference; changes apply to new sockets)
   * @param random caller-supplied randomness: only the secret keys are drawn from it
   */
  public Tcp(TcpIpOutput ip, TcpConfig config, RandomGenerator random) {
    this(ip, config, random, new ReadinessQueue());
  }

  /** A layer signalling readiness on {@code queue} (the stack's, so one queue serves all sockets). */
  public Tcp(TcpIpOutput ip, TcpConfig config, RandomGenerator random, ReadinessQueue queue) {
    this.readyQueue = queue;
    this.ip = ip;
    this.config = config;
    this.hash = new SipHash(random.nextLong(), random.nextLong());
    this.tableKey = random.nextLong();
    this.nextEphemeral = random.nextInt(1 << 16);
    this.txOff = ip.headroom();
    this.txTail = ip.tailroom();
    this.txBuf = new byte[txOff + TcpHeader.MAX_LENGTH + 9000 + txTail];
  }

  public TcpConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- sockets

  /** Opens a listener on {@code port} of a local address ((0,0) = any address, any family). */
  public TcpListener listen(long localHi, long localLo, int port, int backlog) {
    if (port <= 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port);
    }
    for (TcpListener l : listeners) {
      if (l.port == port && (l.localHi == localHi && l.localLo == localLo)) {
        return null;
      }
    }
    TcpListener l = new TcpListener(this, localHi, localLo, port, backlog);
    listeners.add(l);
    return l;
  }

  /** Connects from an ephemeral port on the source address the route picks. */
  public TcpSocket connect(long dstHi, long dstLo, int dstPort, long nowNanos) {
    if (!ip.source(dstHi, dstLo, srcScratch)) {
      return failedSocket(0, 0, 0, dstHi, dstLo, dstPort, TcpError.UNREACHABLE);
    }
    return connect(srcScratch[0], srcScratch[1], 0, dstHi, dstLo, dstPort, nowNanos);
  }

  /**
   * Connects from {@code localPort} (0 = ephemeral) on a given local address. Returns a socket in
   * SYN_SENT, or a CLOSED one with {@link TcpSocket#error()} set (no route, no free port).
   */
  public TcpSocket connect(long srcHi, long srcLo, int localPort, long dstHi, long dstLo, int dstPort, long nowNanos) {
    lastNowNanos = nowNanos;
    if (dstPort <= 0 || dstPort > 0xFFFF) {
      throw new IllegalArgumentException("port " + dstPort);
    }
    int mtu = ip.mtu(dstHi, dstLo);
    if (mtu <= 0) {
      return failedSocket(srcHi, srcLo, localPort, dstHi, dstLo, dstPort, TcpError.UNREACHABLE);
    }
    int port = localPort != 0 ? localPort : ephemeralPort(srcHi, srcLo, dstHi, dstLo, dstPort);
    if (port < 0 || lookup(srcHi, srcLo, port, dstHi, dstLo, dstPort) != null) {
      return failedSocket(srcHi, srcLo, localPort, dstHi, dstLo, dstPort, TcpError.ADDRESS_IN_USE);
    }
    TcpSocket s = newSocket(srcHi, srcLo, port, dstHi, dstLo, dstPort, mtu);
    insert(s);
    s.openActive(isn(s, nowNanos), nowNanos);
    reschedule(s);
    return s;
  }

  private TcpSocket failedSocket(long srcHi, long srcLo, int lport, long dstHi, long dstLo, int dport, TcpError e) {
    TcpSocket s = new TcpSocket(this, config, srcHi, srcLo, lport, dstHi, dstLo, dport, 576);
    s.error = e;
    s.state = TcpState.CLOSED;
    s.raise(TcpSocket.socketError(e));
    return s;
  }

  private TcpSocket newSocket(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort, int mtu) {
    TcpSocket s = new TcpSocket(this, config, lHi, lLo, lPort, rHi, rLo, rPort, mtu);
    s.tsOffset = (int) hash.hash(lHi, lLo, rHi, rLo, ((long) lPort << 16 | rPort) ^ 0x7473L);
    ensureTxCapacity(s.localMssRaw);
    return s;
  }

  private void ensureTxCapacity(int mssRaw) {
    int need = txOff + TcpHeader.MAX_LENGTH + mssRaw + txTail;
    if (txBuf.length < need) {
      txBuf = new byte[need];
    }
  }

  /** RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 µs clock. */
  private int isn(TcpSocket s, long nowNanos) {
    long f = hash.hash(s.localHi, s.localLo, s.remoteHi, s.remoteLo, (long) s.localPort << 16 | s.remotePort);
    return (int) (nowNanos / 4000) + (int) f;
  }

  /** RFC 6056 §3.3.3 (algorithm 3): hash-chosen offset plus a global counter, skipping used tuples. */
  private int ephemeralPort(long srcHi, long srcLo, long dstHi, long dstLo, int dstPort) {
    int low = config.ephemeralLow;
    int num = config.ephemeralHigh - low + 1;
    int offset = (int) (hash.hash(srcHi, srcLo, dstHi, dstLo, dstPort) & 0x7FFFFFFF);
    for (int i = 0; i < num; i++) {
      int port = low + (int) (((long) offset + nextEphemeral + i) % num);
      if (lookup(srcHi, srcLo, port, dstHi, dstLo, dstPort) == null && !listening(port)) {
        nextEphemeral += i + 1;
        return port;
      }
    }
    return -1;
  }

  private TcpListener listenerFor(long dstHi, long dstLo, int port) {
    for (int i = 0; i < listeners.size(); i++) {
      TcpListener l = listeners.get(i);
      if (l.matches(dstHi, dstLo, port)) {
        return l;
      }
    }
    return null;
  }

  private boolean listening(int port) {
    for (TcpListener l : listeners) {
      if (l.port == port) {
        return true;
      }
    }
    return false;
  }

  /** Number of connections in the demux table (every state but CLOSED). */
  public int connectionCount() {
    return connections;
  }

  /** Segments dropped for {@code why}. */
  public long dropped(TcpDrop why) {
    return drops[why.ordinal()];
  }

  void count(TcpDrop why) {
    drops[why.ordinal()]++;
  }

  // ---------------------------------------------------------------- readiness

  /**
   * The next socket whose readiness changed since its owner last looked, or null. With a
   * {@code Stack}, drain {@code stack.nextReady()} instead (the queue is shared).
   */
  public StackSocket nextReady() {
    return readyQueue.poll();
  }

  void noteReadiness(TcpEndpoint e) {
    e.noteReadiness();
  }

  // ---------------------------------------------------------------- input

  /**
   * A TCP segment {@code buf[off, off+len)} from {@code src} to {@code dst} (IPv4 addresses in
   * mapped form). Bad segments are dropped and counted, never thrown.
   */
  public void receive(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len, long nowNanos) {
    receive(srcHi, srcLo, dstHi, dstLo, buf, off, len, false, nowNanos);
  }

  /**
   * A TCP segment as {@link #receive(long, long, long, long, byte[], int, int, long)}; with
   * {@code checksumVerified} the link vouched for its integrity and the checksum is not checked
   * (see {@code IpInfo.checksumsVerified()}).
   */
  public void receive(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len,
      boolean checksumVerified, long nowNanos) {
    lastNowNanos = nowNanos;
    TcpHeader h = rxHeader;
    if (!h.wrap(buf, off, len)) {
      count(TcpDrop.MALFORMED);
      return;
    }
    if (!checksumVerified && !h.checksumValid(pseudoHeader(srcHi, srcLo, dstHi, dstLo, len))) {
      count(TcpDrop.BAD_CHECKSUM);
      return;
    }
    TcpOptions o = rxOptions;
    if (o.parse(h) != TcpOptions.OK) {
      count(TcpDrop.BAD_OPTIONS);
      return;
    }
    if (h.srcPort() == 0 || h.dstPort() == 0) {
      count(TcpDrop.BAD_ADDRESS);
      return;
    }
    TcpSocket s = lookup(dstHi, dstLo, h.dstPort(), srcHi, srcLo, h.srcPort());
    if (s != null && s.acceptsNewIncarnation(h, o) && listenerFor(dstHi, dstLo, h.dstPort()) != null) {
      count(TcpDrop.TIME_WAIT_REUSED);
      s.reuseFromTimeWait();
      s = null; // the listener takes the SYN (RFC 6191)
    }
    if (s != null) {
      s.onSegment(h, o, nowNanos);
      afterEvent(s);
      return;
    }
    TcpListener l = listenerFor(dstHi, dstLo, h.dstPort());
    if (l != null) {
      onListenerSegment(l, srcHi, srcLo, dstHi, dstLo, h, o, nowNanos);
      return;
    }
    count(TcpDrop.NO_SOCKET);
    replyReset(srcHi, srcLo, dstHi, dstLo, h, nowNanos);
  }

  /** RFC 9293 §3.10.7.1: a segment for no connection gets a RST (unless it is one). */
  private void replyReset(long srcHi, long srcLo, long dstHi, long dstLo, TcpHeader h, long nowNanos) {
    if (h.has(TcpHeader.RST)) {
      return;
    }
    if (h.has(TcpHeader.ACK)) {
      sendReset(dstHi, dstLo, srcHi, srcLo, h.dstPort(), h.srcPort(), h.ack(), 0, false, nowNanos);
    } else {
      sendReset(dstHi, dstLo, srcHi, srcLo, h.dstPort(), h.srcPort(), 0, h.seq() + h.sequenceLength(), true, nowNanos);
    }
  }

  /** RFC 9293 §3.10.7.2 (LISTEN), with a bounded SYN queue and SYN cookies beyond it. */
  private void onListenerSegment(TcpListener l, long srcHi, long srcLo, long dstHi, long dstLo, TcpHeader h,
      TcpOptions o, long nowNanos) {
    if (h.has(TcpHeader.RST)) {
      return;
    }
    if (h.has(TcpHeader.ACK)) {
      if (!h.has(TcpHeader.SYN) && config.synCookies && l.lastCookieAtNanos != Long.MIN_VALUE
          && acceptCookie(l, srcHi, srcLo, dstHi, dstLo, h, o, nowNanos)) {
        return;
      }
      count(TcpDrop.BAD_COOKIE);
      sendReset(dstHi, dstLo, srcHi, srcLo, h.dstPort(), h.srcPort(), h.ack(), 0, false, nowNanos);
      return;
    }
    if (!h.has(TcpHeader.SYN) || h.has(TcpHeader.FIN)) {
      return;
    }
    int mtu = ip.mtu(srcHi, srcLo);
    if (mtu <= 0) {
      count(TcpDrop.BAD_ADDRESS);
      return;
    }
    if (l.synQueued >= config.synQueueLimit || !l.canQueue() && l.synQueued >= l.backlog) {
      if (!config.synCookies) {
        count(TcpDrop.SYN_QUEUE_FULL);
        return;
      }
      sendCookie(l, srcHi, srcLo, dstHi, dstLo, h, o, mtu, nowNanos);
      return;
    }
    TcpSocket s = newSocket(dstHi, dstLo, h.dstPort(), srcHi, srcLo, h.srcPort(), mtu);
    s.parent = l;
    s.embryo = true;
    l.synQueued++;
    insert(s);
    s.lastHeardAtNanos = nowNanos;
    s.openPassive(isn(s, nowNanos), h, o, nowNanos);
    reschedule(s);
  }

  // SYN cookies: ISN = t(5 bits) | mss index(3) | 24-bit MAC over the 4-tuple, t and the peer's ISN.
  // Window scale and SACK-permitted survive in the low 6 bits of our TSval when timestamps are on.

  private int cookieMac(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort, long t, int irs) {
    long h = hash.hash(lHi ^ 0x636f6f6bL, lLo, rHi, rLo, ((long) lPort << 48) ^ ((long) rPort << 32) ^ (irs & 0xFFFFFFFFL) ^ (t << 56));
    return (int) (h & 0xFFFFFF);
  }

  private void sendCookie(TcpListener l, long srcHi, long srcLo, long dstHi, long dstLo, TcpHeader h, TcpOptions o,
      int mtu, long nowNanos) {
    boolean v4 = isV4(srcHi, srcLo);
    int localRaw = Math.max(64, Math.min(0xFFFF, mtu - (v4 ? 20 : 40) - 20));
    int peerMss = o.mss > 0 ? o.mss : (v4 ? 536 : 1220);
    int want = Math.min(localRaw, peerMss);
    int idx = 0;
    for (int i = 0; i < COOKIE_MSS.length; i++) {
      if (COOKIE_MSS[i] <= want) {
        idx = i;
      }
    }
    long t = nowNanos / 64_000_000_000L;
    int irs = h.seq();
    int isn = (int) ((t & 0x1F) << 27) | (idx << 24)
        | cookieMac(dstHi, dstLo, h.dstPort(), srcHi, srcLo, h.srcPort(), t, irs);
    TcpOptions out = txOptions.clear();
    out.mss = localRaw;
    if (config.timestamps && o.hasTimestamps) {
      int tsOffset = (int) hash.hash(dstHi, dstLo, srcHi, srcLo, ((long) h.dstPort() << 16 | h.srcPort()) ^ 0x7473L);
      int tsNow = (int) (nowNanos / 1_000_000L) + tsOffset;
      int bits = 0;
      if (config.sack && o.sackPermitted) {
        bits |= 0x20;
        out.sackPermitted = true;
      }
      if (config.windowScaling && o.wscale >= 0) {
        bits |= 0x10 | (o.wscale & 0x0F);
        int shift = 0;
        while (shift < TcpOptions.MAX_WSCALE && (config.receiveBufferMaxBytes >>> shift) > 0xFFFF) {
          shift++;
        }
        out.wscale = shift;
      }
      out.hasTimestamps = true;
      out.tsVal = (tsNow & ~0x3F) | bits;
      out.tsEcr = o.tsVal;
    }
    int window = Math.min(config.receiveBufferBytes, 0xFFFF);
    writeAndSend(dstHi, dstLo, srcHi, srcLo, h.dstPort(), h.srcPort(), isn, irs + 1,
        TcpHeader.SYN | TcpHeader.ACK, window, out, null, 0, 0, nowNanos);
    l.cookiesSent++;
    l.lastCookieAtNanos = nowNanos;
  }

  private boolean acceptCookie(TcpListener l, long srcHi, long srcLo, long dstHi, long dstLo, TcpHeader h,
      TcpOptions o, long nowNanos) {
    if (nowNanos - l.lastCookieAtNanos > 128_000_000_000L || !l.canQueue()) {
      return false;
    }
    int isn = h.ack() - 1;
    int irs = h.seq() - 1;
    long now = nowNanos / 64_000_000_000L;
    int tBits = isn >>> 27;
    long t = -1;
    for (long c = now; c >= now - 1; c--) {
      if ((c & 0x1F) == tBits) {
        t = c;
      }
    }
    if (t < 0 || (isn & 0xFFFFFF) != cookieMac(dstHi, dstLo, h.dstPort(), srcHi, srcLo, h.srcPort(), t, irs)) {
      return false;
    }
    int mss = COOKIE_MSS[(isn >>> 24) & 7];
    int mtu = ip.mtu(srcHi, srcLo);
    if (mtu <= 0) {
      return false;
    }
    boolean ts = config.timestamps && o.hasTimestamps;
    int scale = -1;
    boolean sack = false;
    if (ts) {
      int bits = o.tsEcr & 0x3F;
      sack = (bits & 0x20) != 0;
      if ((bits & 0x10) != 0) {
        scale = bits & 0x0F;
      }
    }
    TcpSocket s = newSocket(dstHi, dstLo, h.dstPort(), srcHi, srcLo, h.srcPort(), mtu);
    s.parent = l;
    insert(s);
    s.openFromCookie(isn, irs, mss, ts, o.tsVal, scale, sack, h, nowNanos);
    l.cookiesAccepted++;
    s.onSegment(h, o, nowNanos); // completes the handshake like any ACK in SYN_RECEIVED
    afterEvent(s);
    return true;
  }

  /**
   * An ICMP error quoting one of our segments: {@code quoted} holds at least the first 8 bytes
   * of the TCP header we sent from {@code src} to {@code dst}. {@code hard} errors (port or
   * protocol unreachable, administratively prohibited) fail a connection attempt; others are
   * soft (RFC 1122 §4.2.3.9). {@code mtu > 0} is a Packet Too Big / Fragmentation Needed.
   */
  public void icmpError(long srcHi, long srcLo, long dstHi, long dstLo, byte[] quoted, int off, int len, boolean hard,
      int mtu, long nowNanos) {
    if (len < 8) {
      return;
    }
    int sport = ((quoted[off] & 0xFF) << 8) | (quoted[off + 1] & 0xFF);
    int dport = ((quoted[off + 2] & 0xFF) << 8) | (quoted[off + 3] & 0xFF);
    int seq = ((quoted[off + 4] & 0xFF) << 24) | ((quoted[off + 5] & 0xFF) << 16) | ((quoted[off + 6] & 0xFF) << 8)
        | (quoted[off + 7] & 0xFF);
    TcpSocket s = lookup(srcHi, srcLo, sport, dstHi, dstLo, dport);
    if (s == null) {
      return;
    }
    if (!(Seq.ge(seq, s.sender.sndUna) && Seq.le(seq, s.sender.sndMax))) {
      count(TcpDrop.ICMP_OUT_OF_WINDOW); // RFC 5927 §4.1
      return;
    }
    s.onIcmpError(TcpError.UNREACHABLE, hard, mtu, nowNanos);
    afterEvent(s);
  }

  // ---------------------------------------------------------------- input batches

  /**
   * Starts a batch of input: the segments that arrive until {@link #endInputBatch} came in
   * together (one loop iteration's datagrams), so a connection answers all the in-order data it
   * got with one pure ACK at the end of the batch instead of one per second segment — stretched
   * up to {@link TcpConfig#ackStretchSegments} full segments or a quarter of its receive buffer
   * (what Linux's receive offload does). ACKs that must not wait (out-of-order or duplicate
   * data, filled holes, FIN, window updates, challenge ACKs) still go out at once, and data we
   * send in the meantime carries the ACK. Calls may not nest; idempotent.
   */
  public void beginInputBatch() {
    inInputBatch = true;
  }

  /** Ends the batch: sends the ACKs that were deferred to now (one per connection that still owes one). */
  public void endInputBatch(long nowNanos) {
    inInputBatch = false;
    lastNowNanos = Math.max(lastNowNanos, nowNanos);
    for (int i = 0; i < deferredAckCount; i++) {
      TcpSocket s = deferredAcks[i];
      deferredAcks[i] = null;
      s.receiver.ackDeferred = false;
      if (s.state != TcpState.CLOSED && (s.receiver.ackDue || s.receiver.ackNow)) {
        s.flush(lastNowNanos);
        reschedule(s);
      }
    }
    deferredAckCount = 0;
  }

  boolean inInputBatch() {
    return inInputBatch;
  }

  void deferAck(TcpSocket s) {
    if (s.receiver.ackDeferred) {
      return;
    }
    if (deferredAckCount == deferredAcks.length) {
      deferredAcks = java.util.Arrays.copyOf(deferredAcks, deferredAckCount * 2);
    }
    deferredAcks[deferredAckCount++] = s;
    s.receiver.ackDeferred = true;
  }

  // ---------------------------------------------------------------- timers

  /** Runs every timer due at {@code nowNanos}. */
  public void poll(long nowNanos) {
    lastNowNanos = nowNanos;
    while (heapSize > 0 && heap[0].heapKey <= nowNanos) {
      TcpSocket s = heapPop();
      if (s.state == TcpState.CLOSED) {
        continue;
      }
      if (s.nextDeadline() <= nowNanos) {
        s.onTimers(nowNanos);
      }
      afterEvent(s);
    }
  }

  /** The next time {@link #poll} has work (possibly early), or Long.MAX_VALUE. */
  public long pollAt() {
    return heapSize == 0 ? Long.MAX_VALUE : heap[0].heapKey;
  }

  private void afterEvent(TcpSocket s) {
    reschedule(s);
    noteReadiness(s);
  }

  /** Puts {@code s} in the timer heap at its next deadline if that is earlier than its entry. */
  void reschedule(TcpSocket s) {
    if (s.state == TcpState.CLOSED) {
      return;
    }
    long d = s.nextDeadline();
    if (d == Long.MAX_VALUE) {
      return; // a stale entry (if any) fires, finds nothing due, and is dropped
    }
    if (s.heapIndex < 0) {
      s.heapKey = d;
      heapPush(s);
    } else if (d < s.heapKey) {
      s.heapKey = d;
      siftUp(s.heapIndex);
    }
  }

  private void heapPush(TcpSocket s) {
    if (heapSize == heap.length) {
      heap = java.util.Arrays.copyOf(heap, heapSize * 2);
    }
    heap[heapSize] = s;
    s.heapIndex = heapSize;
    heapSize++;
    siftUp(heapSize - 1);
  }

  private TcpSocket heapPop() {
    TcpSocket top = heap[0];
    heapSize--;
    if (heapSize > 0) {
      heap[0] = heap[heapSize];
      heap[0].heapIndex = 0;
      siftDown(0);
    }
    heap[heapSize] = null;
    top.heapIndex = -1;
    return top;
  }

  private void siftUp(int i) {
    TcpSocket s = heap[i];
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (heap[p].heapKey <= s.heapKey) {
        break;
      }
      heap[i] = heap[p];
      heap[i].heapIndex = i;
      i = p;
    }
    heap[i] = s;
    s.heapIndex = i;
  }

  private void siftDown(int i) {
    TcpSocket s = heap[i];
    int half = heapSize >>> 1;
    while (i < half) {
      int c = 2 * i + 1;
      if (c + 1 < heapSize && heap[c + 1].heapKey < heap[c].heapKey) {
        c++;
      }
      if (s.heapKey <= heap[c].heapKey) {
        break;
      }
      heap[i] = heap[c];
      heap[i].heapIndex = i;
      i = c;
    }
    heap[i] = s;
    s.heapIndex = i;
  }

  // ---------------------------------------------------------------- demux table

  private int bucket(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
    long h = tableKey;
    h = (h ^ lHi) * 0x9E3779B97F4A7C15L;
    h = (h ^ lLo) * 0xC2B2AE3D27D4EB4FL;
    h = (h ^ rHi) * 0x9E3779B97F4A7C15L;
    h = (h ^ rLo) * 0xC2B2AE3D27D4EB4FL;
    h = (h ^ ((long) lPort << 16 | rPort)) * 0x165667B19E3779F9L;
    h ^= h >>> 31;
    return (int) h & (buckets.length - 1);
  }

  TcpSocket lookup(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
    TcpSocket s = buckets[bucket(lHi, lLo, lPort, rHi, rLo, rPort)];
    while (s != null) {
      if (s.localPort == lPort && s.remotePort == rPort && s.remoteLo == rLo && s.localLo == lLo
          && s.remoteHi == rHi && s.localHi == lHi) {
        return s;
      }
      s = s.nextInBucket;
    }
    return null;
  }

  private void insert(TcpSocket s) {
    if (connections + 1 > buckets.length * 3 / 4) {
      TcpSocket[] old = buckets;
      buckets = new TcpSocket[old.length * 2];
      for (TcpSocket head : old) {
        TcpSocket c = head;
        while (c != null) {
          TcpSocket next = c.nextInBucket;
          int b = bucket(c.localHi, c.localLo, c.localPort, c.remoteHi, c.remoteLo, c.remotePort);
          c.nextInBucket = buckets[b];
          buckets[b] = c;
          c = next;
        }
      }
    }
    int b = bucket(s.localHi, s.localLo, s.localPort, s.remoteHi, s.remoteLo, s.remotePort);
    s.nextInBucket = buckets[b];
    buckets[b] = s;
    s.inTable = true;
    connections++;
  }

  /** Removes a closed socket from the demux table and its listener. */
  void detach(TcpSocket s) {
    if (s.inTable) {
      int b = bucket(s.localHi, s.localLo, s.localPort, s.remoteHi, s.remoteLo, s.remotePort);
      TcpSocket prev = null;
      TcpSocket c = buckets[b];
      while (c != null && c != s) {
        prev = c;
        c = c.nextInBucket;
      }
      if (c != null) {
        if (prev == null) {
          buckets[b] = c.nextInBucket;
        } else {
          prev.nextInBucket = c.nextInBucket;
        }
        connections--;
      }
      s.inTable = false;
      s.nextInBucket = null;
    }
    if (s.parent != null) {
      s.parent.onChildClosed(s);
    }
    s.sender.ring.release();
    s.receiver.releaseMemory();
    noteReadiness(s);
  }

  void removeListener(TcpListener l) {
    listeners.remove(l);
    noteReadiness(l);
  }

  /** Resets the half-open connections of a closing listener. */
  void abortEmbryos(TcpListener l, long nowNanos) {
    List<TcpSocket> doomed = new ArrayList<>();
    for (TcpSocket head : buckets) {
      for (TcpSocket c = head; c != null; c = c.nextInBucket) {
        if (c.parent == l) {
          doomed.add(c);
        }
      }
    }
    for (TcpSocket c : doomed) {
      c.abort(nowNanos);
    }
  }

  boolean allowChallengeAck(long nowNanos) {
    if (nowNanos - challengeWindowStartNanos >= 1_000_000_000L) {
      challengeWindowStartNanos = nowNanos;
      challengeAcksInWindow = 0;
    }
    return ++challengeAcksInWindow <= config.challengeAckLimitPerSecond;
  }

  // ---------------------------------------------------------------- output

  /** Builds and sends one segment for {@code s}; payload bytes (if any) are copied from {@code data}. */
  void transmit(TcpSocket s, int seq, int ack, int flags, int window, TcpOptions o, ByteRing data, int dataAt,
      int dataLen, long nowNanos) {
    writeAndSend(s.localHi, s.localLo, s.remoteHi, s.remoteLo, s.localPort, s.remotePort, seq, ack, flags, window, o,
        data, dataAt, dataLen, nowNanos);
  }

  /** A RST not tied to a connection's state (RFC 9293 §3.10.7.1). */
  void sendReset(long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int seq, int ack,
      boolean withAck, long nowNanos) {
    writeAndSend(srcHi, srcLo, dstHi, dstLo, sport, dport, seq, ack,
        TcpHeader.RST | (withAck ? TcpHeader.ACK : 0), 0, txOptions.clear(), null, 0, 0, nowNanos);
  }

  private void writeAndSend(long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int seq, int ack,
      int flags, int window, TcpOptions o, ByteRing data, int dataAt, int dataLen, long nowNanos) {
    int optLen = o.encodedLength();
    int hl = TcpHeader.MIN_LENGTH + optLen;
    int len = hl + dataLen;
    if (txBuf.length < txOff + len + txTail) {
      txBuf = new byte[txOff + len + txTail];
    }
    byte[] b = txBuf;
    TcpHeader h = txHeader.wrapForWrite(b, txOff, len);
    h.srcPort(sport).dstPort(dport).seq(seq).ack(ack).headerLength(hl).flags(flags).window(window).checksum(0)
        .urgentPointer(0);
    o.write(b, txOff + TcpHeader.MIN_LENGTH);
    if (dataLen > 0) {
      data.peek(dataAt, b, txOff + hl, dataLen);
    }
    h.fillChecksum(pseudoHeader(srcHi, srcLo, dstHi, dstLo, len));
    ip.send(srcHi, srcLo, dstHi, dstLo, b, txOff, len, nowNanos);
  }

  // ---------------------------------------------------------------- addresses

  static boolean isV4(long hi, long lo) {
    return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED;
  }

  /** Pseudo-header sum for IPv4 (RFC 9293 §3.1) or IPv6 (RFC 8200 §8.1) from 128-bit addresses. */
  static long pseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int length) {
    if (isV4(srcHi, srcLo)) {
      long sum = ((srcLo >>> 16) & 0xFFFF) + (srcLo & 0xFFFF) + ((dstLo >>> 16) & 0xFFFF) + (dstLo & 0xFFFF);
      return sum + 6 + (length & 0xFFFF);
    }
    long sum = words(srcHi) + words(srcLo) + words(dstHi) + words(dstLo);
    return Checksum.add32(sum, length) + 6;
  }

  private static long words(long x) {
    return ((x >>> 48) & 0xFFFF) + ((x >>> 32) & 0xFFFF) + ((x >>> 16) & 0xFFFF) + (x & 0xFFFF);
  }

  static String addressString(long hi, long lo) {
    if (isV4(hi, lo)) {
      return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      long w = i < 4 ? (hi >>> (48 - 16 * i)) : (lo >>> (48 - 16 * (i - 4)));
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Long.toHexString(w & 0xFFFF));
    }
    return sb.append(']').toString();
  }
}
