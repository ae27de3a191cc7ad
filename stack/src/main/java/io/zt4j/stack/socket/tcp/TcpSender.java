package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.storage.ByteRing;
import io.zt4j.stack.storage.SackScoreboard;
import io.zt4j.stack.wire.Seq;
import io.zt4j.stack.wire.TcpOptions;

/**
 * The send half of a connection: SND.UNA/SND.NXT/SND.WND, the send ring (bytes from SND.UNA on,
 * kept until acknowledged), what to send next (new data under the congestion and peer windows,
 * Nagle and sender SWS avoidance; RFC 6675 SACK loss recovery with NewReno fallback), ACK
 * processing (RTT sampling with Karn's rule or timestamps, the congestion controller, the SACK
 * scoreboard, duplicate ACKs) and the retransmission and persist timers.
 *
 * <p>It decides sequence ranges; {@link TcpSocket#emit} writes the segments. Owner thread only.
 */
final class TcpSender {
  /** RFC 5681 / RFC 6675 DupThresh. */
  static final int DUP_THRESH = 3;
  /** Segments one {@link #output} call sends at most (bounded work per call). */
  static final int MAX_BURST = 256;

  /** {@link #onAck} results. */
  static final int ACK_OK = 0;
  static final int ACK_TOO_NEW = 1;
  static final int ACK_TOO_OLD = 2;

  private final TcpSocket socket;
  final ByteRing ring;
  final SackScoreboard scoreboard = new SackScoreboard();
  final RtoEstimator rto;
  CongestionControl cc;

  int iss;
  int sndUna;
  int sndNxt;
  int sndMax;
  int sndWnd;
  int sndWl1;
  int sndWl2;
  int maxSndWnd;
  /** Peer's window-scale shift (0 without scaling). */
  int sndScale;
  /** Sequence number of the first byte in {@link #ring}. */
  int sndBufSeq;
  boolean synAcked;
  boolean finQueued;
  /** Largest payload per segment (peer MSS and path MTU, less our fixed options). */
  int mss = 536;
  boolean sackOk;
  boolean noDelay;

  boolean inRecovery;
  int recoveryPoint;
  int highRxt;
  int lossHintEnd;
  boolean forceRetransmit;
  int dupAcks;
  /** RFC 6582 "recover": no fast retransmit for losses below it (set at an RTO). */
  int recover;

  boolean timing;
  int rttSeq;
  long rttSentAtNanos;
  /** A retransmission is outstanding below {@link #rexmitEnd} (for the timestamp RTT rule). */
  boolean rexmitOutstanding;
  int rexmitEnd;
  /** Our TSval (ms clock) when we last retransmitted. */
  int rexmitTsMs;

  long rtoAt = Long.MAX_VALUE;
  long persistAt = Long.MAX_VALUE;
  int persistBackoff;
  /** RTO expiries (or unanswered probes) in a row. */
  int retries;
  long lastSendAtNanos;

  long segmentsSent;
  long segmentsRetransmitted;
  long bytesAcked;
  int rtoExpiries;
  int fastRecoveries;
  /** ACKs that carried a D-SACK block (RFC 2883): duplicates the peer received. */
  long dsacksReceived;

  TcpSender(TcpSocket socket, int sendLimit, RtoEstimator rto) {
    this.socket = socket;
    this.ring = new ByteRing(sendLimit);
    this.rto = rto;
  }

  void init(int iss) {
    this.iss = iss;
    sndUna = iss;
    sndNxt = iss;
    sndMax = iss;
    sndBufSeq = iss + 1;
    recover = iss;
  }

  int dataEnd() {
    return sndBufSeq + ring.size();
  }

  /** Bytes sent and not yet acknowledged. */
  int inFlight() {
    return (int) Seq.distance(sndUna, sndMax);
  }

  /** Bytes queued and not yet acknowledged (what the application wrote that is still held). */
  int queued() {
    return ring.size();
  }

  /** Sends what the windows allow; returns the number of segments sent. */
  int output(long nowNanos) {
    if (!synAcked) {
      if (sndNxt == iss) {
        if (sndMax == iss && !timing) {
          timing = true;
          rttSeq = iss + 1;
          rttSentAtNanos = nowNanos;
        } else if (sndMax != iss) {
          timing = false; // Karn: a retransmitted SYN gives no sample
          noteRetransmission(iss + 1, nowNanos);
        }
        socket.emitSyn(nowNanos);
        sndNxt = iss + 1;
        sndMax = Seq.max(sndMax, sndNxt);
        segmentsSent++;
        armRto(nowNanos);
        return 1;
      }
      return 0;
    }
    int sent = 0;
    while (sent < MAX_BURST && nextSegment(nowNanos)) {
      sent++;
    }
    if (sent == 0) {
      maybeArmPersist(nowNanos);
    }
    return sent;
  }

  private boolean nextSegment(long nowNanos) {
    if (!inRecovery) {
      return sendNew(nowNanos, cc.cwnd() - (int) Seq.distance(sndUna, sndNxt));
    }
    int lost = lostEdge();
    long pipe = pipe(lost);
    long room = cc.cwnd() - pipe;
    if (!forceRetransmit && room < mss) {
      return false;
    }
    int hole = scoreboard.nextHole(forceRetransmit ? sndUna : Seq.max(highRxt, sndUna));
    if (Seq.lt(hole, sndMax) && (forceRetransmit || Seq.lt(hole, lost))) {
      forceRetransmit = false;
      retransmitFrom(hole, nowNanos);
      return true;
    }
    forceRetransmit = false;
    if (Seq.lt(sndNxt, finEnd()) && Seq.ge(sndNxt, sndMax) && sendNew(nowNanos, (int) Math.min(room, Integer.MAX_VALUE))) {
      return true;
    }
    // RFC 6675 NextSeg rule 3: an unSACKed hole below the highest SACK that is not yet deemed lost
    if (!scoreboard.isEmpty() && Seq.lt(hole, scoreboard.highestSacked()) && Seq.lt(hole, sndMax)) {
      retransmitFrom(hole, nowNanos);
      return true;
    }
    return false;
  }

  private void retransmitFrom(int hole, long nowNanos) {
    int end = Seq.min(scoreboard.holeEnd(hole, sndMax), hole + mss);
    int dataEnd = dataEnd();
    int dataLen = (int) Seq.distance(hole, Seq.min(end, dataEnd));
    boolean fin = finQueued && Seq.gt(end, dataEnd);
    int sent = socket.emit(hole, dataLen, fin, nowNanos);
    int endSent = hole + sent + (fin && sent == dataLen ? 1 : 0);
    highRxt = Seq.max(highRxt, endSent);
    segmentsSent++;
    segmentsRetransmitted++;
    timing = false; // Karn: a retransmission invalidates the classic RTT sample
    noteRetransmission(endSent, nowNanos);
    armRto(nowNanos);
  }

  private int finEnd() {
    return finQueued ? dataEnd() + 1 : dataEnd();
  }

  /** New data (or a retransmission after an RTO rewound SND.NXT) from SND.NXT. */
  private boolean sendNew(long nowNanos, int cwndRoom) {
    int dataEnd = dataEnd();
    if (!Seq.lt(sndNxt, finEnd())) {
      return false;
    }
    boolean retransmission = Seq.lt(sndNxt, sndMax);
    int avail = Seq.lt(sndNxt, dataEnd) ? (int) Seq.distance(sndNxt, dataEnd) : 0;
    long wndRoom = (sndUna + sndWnd) - sndNxt; // signed distance in sequence space
    if (avail > 0) {
      int len = Math.min(mss, avail);
      if (cwndRoom < len) {
        return false; // congestion-window limited: wait for ACKs
      }
      if (wndRoom < len) {
        // sender SWS avoidance (RFC 9293 §3.8.6.2.1): a partial segment only if it is at least
        // half the largest window the peer offered
        if (wndRoom <= 0 || wndRoom < maxSndWnd / 2) {
          return false;
        }
        len = (int) wndRoom;
      }
      if (len < mss && !retransmission && !noDelay && sndMax != sndUna && !finQueued) {
        return false; // Nagle (RFC 9293 §3.7.4): one small segment outstanding at a time
      }
      boolean fin = finQueued && sndNxt + len == dataEnd;
      if (!retransmission && nowNanos - lastSendAtNanos > rto.rtoNanos() && sndMax == sndUna) {
        cc.onIdleRestart(nowNanos); // RFC 5681 §4.1
      }
      int sent = socket.emit(sndNxt, len, fin, nowNanos);
      if (sent == 0) {
        return false;
      }
      afterSend(sndNxt, sent + (fin && sent == len ? 1 : 0), retransmission, nowNanos);
      return true;
    }
    // only the FIN is left
    socket.emit(sndNxt, 0, true, nowNanos);
    afterSend(sndNxt, 1, retransmission, nowNanos);
    return true;
  }

  private void afterSend(int seq, int seqLen, boolean retransmission, long nowNanos) {
    int end = seq + seqLen;
    sndNxt = end;
    segmentsSent++;
    if (retransmission) {
      segmentsRetransmitted++;
      timing = false;
      noteRetransmission(end, nowNanos);
    } else if (!timing) {
      timing = true;
      rttSeq = end;
      rttSentAtNanos = nowNanos;
    }
    if (Seq.gt(end, sndMax)) {
      sndMax = end;
    }
    lastSendAtNanos = nowNanos;
    armRto(nowNanos);
    persistAt = Long.MAX_VALUE;
  }

  private void noteRetransmission(int end, long nowNanos) {
    rexmitEnd = rexmitOutstanding ? Seq.max(rexmitEnd, end) : end;
    rexmitOutstanding = true;
    rexmitTsMs = socket.tsNowMs(nowNanos);
  }

  /**
   * Karn's rule for timestamps: an echo older than our latest retransmission, on an ACK that
   * covers retransmitted data, is ambiguous. The ACK may have been triggered by the later copy
   * while the echo still names an earlier transmission — a receiver does not take the TSval of a
   * duplicate that lies below RCV.NXT (RFC 7323 §5.3: R2 rejects it before R3 records it) — so
   * the difference would include the time it took to recover from lost ACKs, not the path's
   * RTT. One such sample (seconds instead of milliseconds) inflates SRTT and RTTVAR enough to
   * stretch later timeouts to minutes; Linux likewise prefers samples from never-retransmitted
   * data. Echoes of transmissions made after the retransmission stay valid.
   */
  private boolean timestampSampleValid(int tsEcr) {
    if (!rexmitOutstanding) {
      return true;
    }
    return !Seq.lt(tsEcr, rexmitTsMs);
  }

  /**
   * Processes the acknowledgment fields of an acceptable segment (RFC 9293 §3.10.7.4 fifth
   * step, RFC 5961 §5.2 ACK range check). Returns {@link #ACK_OK}, or why it must be dropped.
   */
  int onAck(int segSeq, int segAck, int rawWindow, int seqLen, TcpOptions opts, long nowNanos, int tsNowMs) {
    if (Seq.gt(segAck, sndMax)) {
      return ACK_TOO_NEW;
    }
    if (Seq.lt(segAck, sndUna - Math.max(maxSndWnd, 1))) {
      return ACK_TOO_OLD;
    }
    int newWnd = (int) Math.min((long) rawWindow << sndScale, Integer.MAX_VALUE);
    boolean windowChanged = false;
    if (Seq.lt(sndWl1, segSeq) || (sndWl1 == segSeq && Seq.le(sndWl2, segAck))) {
      windowChanged = newWnd != sndWnd;
      sndWnd = newWnd;
      sndWl1 = segSeq;
      sndWl2 = segAck;
      maxSndWnd = Math.max(maxSndWnd, newWnd);
    }
    boolean sackNews = false;
    boolean dsack = false;
    if (sackOk && opts.sackCount > 0) {
      dsack = isDsack(opts, segAck);
      if (dsack) {
        dsacksReceived++;
      }
      for (int i = dsack ? 1 : 0; i < opts.sackCount; i++) {
        sackNews |= scoreboard.add(opts.sackLeft[i], opts.sackRight[i], Seq.max(segAck, sndUna), sndMax);
      }
    }
    if (Seq.gt(segAck, sndUna)) {
      onNewAck(segAck, opts, nowNanos, tsNowMs);
    } else if (segAck == sndUna && seqLen == 0 && !windowChanged && sndMax != sndUna && !(dsack && !sackNews)) {
      // an ACK whose only news is a D-SACK reports a duplicate the peer received (network
      // duplication or our spurious retransmission), not a loss: it is no duplicate ACK
      // (RFC 2883 §4.1, RFC 6675 counts SACK information, not ACKs)
      dupAcks++;
    } else if (segAck == sndUna && sackNews && sndMax != sndUna) {
      dupAcks++;
    }
    if (!inRecovery && synAcked && sndMax != sndUna && Seq.ge(sndUna, recover)
        && (dupAcks >= DUP_THRESH || (sackOk && Seq.gt(scoreboard.lostEdge(sndUna, DUP_THRESH, mss), sndUna)))) {
      enterRecovery(nowNanos);
    }
    if (sndWnd > 0) {
      persistBackoff = 0;
      persistAt = Long.MAX_VALUE;
    }
    return ACK_OK;
  }

  /**
   * RFC 2883 §4: the first SACK block is a D-SACK when it lies at or below the cumulative ACK,
   * or inside the second block.
   */
  static boolean isDsack(TcpOptions opts, int segAck) {
    int l0 = opts.sackLeft[0];
    int r0 = opts.sackRight[0];
    if (!Seq.lt(l0, r0)) {
      return false;
    }
    if (Seq.le(r0, segAck)) {
      return true;
    }
    return opts.sackCount > 1 && Seq.le(opts.sackLeft[1], l0) && Seq.le(r0, opts.sackRight[1]);
  }

  private void onNewAck(int segAck, TcpOptions opts, long nowNanos, int tsNowMs) {
    int before = inFlight();
    int acked = (int) Seq.distance(sndUna, segAck);
    boolean synAck = !synAcked;
    synAcked = true;
    // drop acknowledged data from the ring
    int dataAckEnd = Seq.min(segAck, dataEnd());
    if (Seq.gt(dataAckEnd, sndBufSeq)) {
      int n = (int) Seq.distance(sndBufSeq, dataAckEnd);
      ring.discard(n);
      sndBufSeq += n;
      bytesAcked += n;
    }
    // RTT: timestamps echo (RFC 7323 §4.1) or one timed segment (Karn)
    if (opts.hasTimestamps && opts.tsEcr != 0 && socket.tsOk) {
      int ms = tsNowMs - opts.tsEcr;
      if (ms >= 0 && ms < 600_000 && timestampSampleValid(opts.tsEcr)) {
        rto.sample(Math.max(ms, 0) * 1_000_000L + 500_000L);
        rto.resetBackoff();
      }
    } else if (timing && Seq.ge(segAck, rttSeq)) {
      rto.sample(nowNanos - rttSentAtNanos);
      rto.resetBackoff();
      timing = false;
    }
    sndUna = segAck;
    if (rexmitOutstanding && Seq.ge(sndUna, rexmitEnd)) {
      rexmitOutstanding = false;
    }
    if (Seq.lt(sndNxt, sndUna)) {
      sndNxt = sndUna;
    }
    if (Seq.lt(highRxt, sndUna)) {
      highRxt = sndUna;
    }
    scoreboard.ackTo(sndUna);
    retries = 0;
    if (inRecovery) {
      if (Seq.ge(segAck, recoveryPoint)) {
        inRecovery = false;
        dupAcks = 0;
        cc.onRecoveryExit(nowNanos);
      } else if (!sackOk) {
        // RFC 6582 partial ACK: retransmit the next hole at once
        dupAcks = Math.max(0, dupAcks - acked / Math.max(mss, 1) + 1);
        lossHintEnd = sndUna + mss;
        forceRetransmit = true;
      }
    } else {
      dupAcks = 0;
      if (!synAck) {
        cc.onAck(nowNanos, acked, before, rto.srttNanos());
      }
    }
    if (sndUna == sndMax) {
      rtoAt = Long.MAX_VALUE;
    } else {
      rtoAt = nowNanos + rto.rtoNanos();
    }
  }

  private void enterRecovery(long nowNanos) {
    inRecovery = true;
    fastRecoveries++;
    recoveryPoint = sndMax;
    highRxt = sndUna;
    lossHintEnd = Seq.min(sndUna + mss, sndMax);
    forceRetransmit = true;
    cc.onCongestionEvent(nowNanos, inFlight());
  }

  /** Everything unSACKed below this is considered lost (RFC 6675 IsLost, plus the dup-ACK hint). */
  int lostEdge() {
    int edge = sackOk ? scoreboard.lostEdge(sndUna, DUP_THRESH, mss) : sndUna;
    if (Seq.lt(edge, lossHintEnd)) {
      edge = Seq.min(lossHintEnd, sndMax);
    }
    return Seq.max(edge, sndUna);
  }

  /** RFC 6675 SetPipe: unSACKed octets not deemed lost, plus octets retransmitted. */
  long pipe(int lostEdge) {
    long p = scoreboard.unsackedBytes(lostEdge, sndMax);
    if (Seq.gt(highRxt, sndUna)) {
      p += scoreboard.unsackedBytes(sndUna, highRxt);
    }
    if (!sackOk) {
      p = Math.max(0, p - (long) dupAcks * mss);
    }
    return p;
  }

  void armRto(long nowNanos) {
    if (rtoAt == Long.MAX_VALUE) {
      rtoAt = nowNanos + rto.rtoNanos();
    }
  }

  private void maybeArmPersist(long nowNanos) {
    boolean dataWaiting = Seq.lt(sndNxt, dataEnd());
    if (dataWaiting && sndUna == sndMax && sndWnd < Math.min(mss, (int) Seq.distance(sndNxt, dataEnd()))
        && persistAt == Long.MAX_VALUE) {
      long d = Math.max(rto.baseRtoNanos() << Math.min(persistBackoff, 12), RtoEstimator.DEFAULT_MIN_RTO_NANOS);
      persistAt = nowNanos + Math.min(d, RtoEstimator.MAX_RTO_NANOS);
    }
  }

  /**
   * The retransmission timer expired (RFC 6298 §5.4–5.7, RFC 5681 §3.1): back off, reduce the
   * window, forget SACK state, and go back to SND.UNA. Returns false when the retry budget is
   * spent and the connection must fail.
   */
  boolean onRtoExpired(long nowNanos, int maxRetries) {
    rtoAt = Long.MAX_VALUE;
    if (sndUna == sndMax) {
      return true;
    }
    retries++;
    rtoExpiries++;
    if (retries > maxRetries) {
      return false;
    }
    if (synAcked) {
      cc.onRetransmitTimeout(nowNanos, inFlight());
    }
    rto.backOff();
    recover = sndMax;
    inRecovery = false;
    forceRetransmit = false;
    dupAcks = 0;
    scoreboard.clear();
    sndNxt = sndUna;
    highRxt = sndUna;
    lossHintEnd = sndUna;
    timing = false;
    armRto(nowNanos);
    return true;
  }

  /** Persist timer expired: the caller sends a window probe; returns false when probes ran out. */
  boolean onPersistExpired(long nowNanos, int maxRetries) {
    persistAt = Long.MAX_VALUE;
    persistBackoff++;
    retries++;
    if (retries > maxRetries) {
      return false;
    }
    maybeArmPersist(nowNanos);
    return true;
  }

  /**
   * Sender SWS override / window probe (RFC 9293 §3.8.6.1–2): when the persist timer fires and
   * the peer's window is open but too small for the SWS rule, send what fits anyway. Returns
   * false when nothing could be sent (the caller then sends a zero-window probe).
   */
  boolean forceSendIntoWindow(long nowNanos) {
    int dataEnd = dataEnd();
    long wndRoom = (sndUna + sndWnd) - sndNxt;
    int avail = Seq.lt(sndNxt, dataEnd) ? (int) Seq.distance(sndNxt, dataEnd) : 0;
    int len = (int) Math.min(Math.min(wndRoom, avail), mss);
    if (len <= 0) {
      return false;
    }
    boolean fin = finQueued && sndNxt + len == dataEnd;
    int sent = socket.emit(sndNxt, len, fin, nowNanos);
    if (sent == 0) {
      return false;
    }
    afterSend(sndNxt, sent + (fin && sent == len ? 1 : 0), Seq.lt(sndNxt, sndMax), nowNanos);
    return true;
  }

  /** Queues application bytes; returns how many fit. */
  int write(byte[] src, int off, int len) {
    return ring.write(src, off, len);
  }
}
