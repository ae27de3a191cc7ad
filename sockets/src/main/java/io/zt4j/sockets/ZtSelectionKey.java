package io.zt4j.sockets;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The registration of one of our channels with a {@link ZtSelector}. The interest set may be
 * changed from any thread; the selector re-evaluates the key at once (a change that makes the key
 * ready wakes a thread blocked in {@code select}). The ready set is written by the selecting
 * thread only.
 */
final class ZtSelectionKey extends AbstractSelectionKey {
  final ZtChannel channel;
  final ZtSelector selector;
  /** Set while the key sits in the selector's queue of changed keys. */
  final AtomicBoolean queued = new AtomicBoolean();
  private volatile int interest;
  private volatile int ready;
  /** The selection round in which the key's ready set was last updated (selecting thread). */
  long updatedInRound;

  ZtSelectionKey(ZtChannel channel, ZtSelector selector) {
    this.channel = channel;
    this.selector = selector;
  }

  @Override
  public SelectableChannel channel() {
    return (SelectableChannel) channel;
  }

  @Override
  public Selector selector() {
    return selector;
  }

  private void ensureValid() {
    if (!isValid()) {
      throw new CancelledKeyException();
    }
  }

  @Override
  public int interestOps() {
    ensureValid();
    return interest;
  }

  /** The interest set without the validity check (for readiness filtering on the loop thread). */
  int interest() {
    return interest;
  }

  @Override
  public SelectionKey interestOps(int ops) {
    ensureValid();
    if ((ops & ~channel().validOps()) != 0) {
      throw new IllegalArgumentException("Invalid interest ops: " + ops);
    }
    interest = ops;
    selector.changed(this);
    return this;
  }

  @Override
  public int readyOps() {
    ensureValid();
    return ready;
  }

  int ready() {
    return ready;
  }

  void ready(int ops) {
    ready = ops;
  }

  @Override
  public String toString() {
    return "ZtSelectionKey[channel=" + channel + ",interest=" + interest + ",ready=" + ready
        + (isValid() ? "" : ",cancelled") + "]";
  }
}
