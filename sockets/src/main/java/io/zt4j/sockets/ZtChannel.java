package io.zt4j.sockets;

import java.nio.channels.SelectionKey;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a {@link ZtSelector} needs of our selectable channels: their readiness, computed from the
 * state of the driver connection behind them, and a place for their keys.
 */
interface ZtChannel {
  /**
   * The operations that would not block now ({@link SelectionKey#OP_READ} etc.), before masking
   * with an interest set. Any thread; reads volatile state only.
   */
  int readyOps();

  /** The keys of this channel, notified when its readiness changes. */
  Keys keys();

  /**
   * The selection keys of one channel and the readiness hook of its driver connection. The
   * connection's loop thread runs {@link #run} after each state change: every valid key whose
   * interest set meets the channel's readiness is queued on its selector, which wakes up. Changes
   * made by the application thread itself (connect started, input shut down) call
   * {@link #changed} for all keys.
   */
  final class Keys implements Runnable {
    private final ZtChannel channel;
    private final CopyOnWriteArrayList<ZtSelectionKey> keys = new CopyOnWriteArrayList<>();

    Keys(ZtChannel channel) {
      this.channel = channel;
    }

    void add(ZtSelectionKey k) {
      keys.add(k);
    }

    void remove(SelectionKey k) {
      keys.remove(k);
    }

    @Override
    public void run() {
      if (keys.isEmpty()) {
        return;
      }
      int ready = channel.readyOps();
      if (ready == 0) {
        return;
      }
      for (ZtSelectionKey k : keys) {
        if ((k.interest() & ready) != 0 && k.isValid()) {
          k.selector.changed(k);
        }
      }
    }

    /** Queues every key for re-evaluation (after a change made by the application thread). */
    void changed() {
      for (ZtSelectionKey k : keys) {
        if (k.isValid()) {
          k.selector.changed(k);
        }
      }
    }
  }
}
