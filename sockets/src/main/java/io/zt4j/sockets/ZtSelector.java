package io.zt4j.sockets;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link java.nio.channels.Selector} over the channels of one {@link ZeroTierSelectorProvider}.
 *
 * <h2>How readiness arrives</h2>
 *
 * There is no polling: each channel's driver connection runs a readiness hook on the stack
 * driver's loop thread after every state change (data in, window open, connection established
 * or failed, FIN, RST, accept queue filled). The hook queues the channel's keys whose interest
 * the new readiness meets on their selector and unparks the selecting thread. A select drains
 * that queue into a set of <i>candidates</i>, evaluates each candidate's readiness, and keeps the
 * ready ones as candidates for the next select — keys are level-triggered as with the JDK's
 * selectors: a key whose channel is still readable is selected again, without another event.
 * The cost of a select is proportional to the keys that changed or are ready, not to all keys.
 *
 * <h2>Threads</h2>
 *
 * Selection operations synchronize on the selector and then its selected-key set, as the JDK's
 * do. {@link #wakeup}, key registration, interest changes and the loop's hooks may come from any
 * thread; they only queue a key or set a flag, then unpark the selecting thread. Closing a
 * channel cancels its keys; cancelled keys leave the key sets during the next selection.
 */
final class ZtSelector extends AbstractSelector {
  private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
  private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
  private final Set<SelectionKey> selected = new HashSet<>();
  private final Set<SelectionKey> publicSelected = new Ungrowable(selected);
  private final ConcurrentLinkedQueue<ZtSelectionKey> changed = new ConcurrentLinkedQueue<>();
  private final Set<ZtSelectionKey> candidates = new HashSet<>(); // selecting thread
  private final ArrayList<ZtSelectionKey> scratch = new ArrayList<>(); // selecting thread
  private volatile Thread selecting;
  private volatile boolean wakeupPending;
  private long round; // selecting thread

  ZtSelector(ZeroTierSelectorProvider provider) {
    super(provider);
  }

  @Override
  public Set<SelectionKey> keys() {
    ensureOpen();
    return publicKeys;
  }

  @Override
  public Set<SelectionKey> selectedKeys() {
    ensureOpen();
    return publicSelected;
  }

  private void ensureOpen() {
    if (!isOpen()) {
      throw new ClosedSelectorException();
    }
  }

  @Override
  protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
    if (!(ch instanceof ZtChannel zc) || ch.provider() != provider()) {
      throw new IllegalSelectorException();
    }
    ensureOpen();
    ZtSelectionKey k = new ZtSelectionKey(zc, this);
    k.attach(att);
    keys.add(k);
    zc.keys().add(k);
    k.interestOps(ops);
    return k;
  }

  /**
   * Queues {@code k} for evaluation by the next (or the running) select and wakes the selecting
   * thread. Any thread; called by the channels' readiness hooks on the loop thread.
   */
  void changed(ZtSelectionKey k) {
    if (k.queued.compareAndSet(false, true)) {
      changed.add(k);
      Thread t = selecting;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  @Override
  public int selectNow() throws IOException {
    return select(0L, true);
  }

  @Override
  public int select(long timeout) throws IOException {
    if (timeout < 0) {
      throw new IllegalArgumentException("Negative timeout");
    }
    return select(timeout, false);
  }

  @Override
  public int select() throws IOException {
    return select(0L, false);
  }

  /**
   * One selection operation.
   *
   * @param timeoutMillis 0: no limit (unless {@code now})
   * @param now return after one evaluation (selectNow)
   */
  private int select(long timeoutMillis, boolean now) throws IOException {
    synchronized (this) {
      ensureOpen();
      synchronized (publicSelected) {
        round++;
        processCancelled();
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        boolean last = now;
        int updated;
        for (;;) {
          updated = evaluate();
          if (updated >= 0 || last || wakeupPending) {
            break;
          }
          begin(); // an interrupt calls wakeup()
          try {
            selecting = Thread.currentThread();
            if (changed.isEmpty() && !wakeupPending) {
              if (deadline == 0) {
                LockSupport.park(this);
              } else {
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(this, wait);
                }
              }
            }
          } finally {
            selecting = null;
            end();
          }
          if (deadline != 0 && System.nanoTime() - deadline >= 0) {
            last = true;
          }
        }
        wakeupPending = false;
        return Math.max(0, updated) - processCancelled();
      }
    }
  }

  /**
   * Moves the queued keys into the candidates and evaluates every candidate: ready keys enter
   * (or update) the selected-key set and stay candidates, others are dropped.
   *
   * @return the number of keys whose ready set was updated, or -1 when no key is ready
   */
  private int evaluate() {
    for (ZtSelectionKey k; (k = changed.poll()) != null; ) {
      k.queued.set(false);
      candidates.add(k);
    }
    if (candidates.isEmpty()) {
      return -1;
    }
    boolean anyReady = false;
    int updated = 0;
    for (Iterator<ZtSelectionKey> it = candidates.iterator(); it.hasNext(); ) {
      ZtSelectionKey k = it.next();
      if (!k.isValid()) {
        it.remove();
        continue;
      }
      int ops = k.channel.readyOps() & k.interest();
      if (ops == 0) {
        it.remove();
        continue;
      }
      anyReady = true;
      if (selected.contains(k)) {
        int merged = k.ready() | ops;
        if (merged != k.ready()) {
          k.ready(merged);
          k.updatedInRound = round;
          updated++;
        }
      } else {
        k.ready(ops);
        selected.add(k);
        k.updatedInRound = round;
        updated++;
      }
    }
    // a ready key already selected with the same ops ends the select with 0, as with epoll
    return anyReady ? updated : -1;
  }

  /**
   * Deregisters the cancelled keys.
   *
   * @return how many of them had been counted as updated in this round
   */
  private int processCancelled() {
    Set<SelectionKey> cancelled = cancelledKeys();
    int counted = 0;
    synchronized (cancelled) {
      if (cancelled.isEmpty()) {
        return 0;
      }
      scratch.clear();
      for (SelectionKey k : cancelled) {
        scratch.add((ZtSelectionKey) k);
      }
      cancelled.clear();
    }
    for (ZtSelectionKey k : scratch) {
      keys.remove(k);
      if (selected.remove(k) && k.updatedInRound == round) {
        counted++;
      }
      candidates.remove(k);
      k.channel.keys().remove(k);
      deregister(k);
    }
    scratch.clear();
    return counted;
  }

  @Override
  public ZtSelector wakeup() {
    wakeupPending = true;
    Thread t = selecting;
    if (t != null) {
      LockSupport.unpark(t);
    }
    return this;
  }

  @Override
  protected void implCloseSelector() throws IOException {
    wakeup();
    synchronized (this) {
      synchronized (publicSelected) {
        for (SelectionKey k : keys) {
          k.cancel();
        }
        processCancelled();
        selected.clear();
        candidates.clear();
        changed.clear();
      }
    }
  }

  @Override
  public String toString() {
    return "ZtSelector[keys=" + keys.size() + "]";
  }

  /** The selected-key set as applications see it: keys may be removed, never added. */
  private static final class Ungrowable extends AbstractSet<SelectionKey> {
    private final Set<SelectionKey> set;

    Ungrowable(Set<SelectionKey> set) {
      this.set = set;
    }

    @Override
    public Iterator<SelectionKey> iterator() {
      return set.iterator();
    }

    @Override
    public int size() {
      return set.size();
    }

    @Override
    public boolean contains(Object o) {
      return set.contains(o);
    }

    @Override
    public boolean remove(Object o) {
      return set.remove(o);
    }

    @Override
    public void clear() {
      set.clear();
    }

    @Override
    public boolean add(SelectionKey k) {
      throw new UnsupportedOperationException();
    }
  }
}
