package org.waypost.visitor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A bounded, lock-free hand-off from request threads to one background thread that takes what is
 * queued in batches. Offering costs a request an atomic increment and a lock-free append, and never
 * blocks: when the queue is full the item is refused and the caller counts it. The background
 * thread polls instead of being woken per item, because a wake-up per item (as a {@code
 * BlockingQueue} gives) costs every request a lock and a futex call once the machine is busy.
 *
 * <p>The background thread runs at a lower CPU priority ({@link LowPriority}), so that on a busy
 * core the requests that feed it come first.
 *
 * <p>Request capture and the access log both use it; what each does with a batch is its own.
 */
public final class Handoff<T> implements AutoCloseable {
  private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  // Only flush() reads it: a LongAdder spares request threads contending on one counter.
  private final LongAdder accepted = new LongAdder();
  private final AtomicLong taken = new AtomicLong();
  private final int capacity;
  private final int batchSize;
  private final long idleMillis;
  private final Consumer<List<T>> taker;
  private final Thread worker;
  private volatile boolean running = true;

  /**
   * @param name the background thread's name
   * @param capacity how many items may wait; more are refused
   * @param batchSize the most items handed to {@code taker} at once
   * @param idleMillis how long the background thread sleeps when nothing is queued
   * @param taker what to do with a batch, on the background thread; it must not throw
   */
  public Handoff(
      String name, int capacity, int batchSize, long idleMillis, Consumer<List<T>> taker) {
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.idleMillis = idleMillis;
    this.taker = taker;
    this.worker = Thread.ofPlatform().name(name).daemon(true).start(this::run);
  }

  /** Queues an item; never blocks. False when the queue is full and the item was refused. */
  public boolean offer(T item) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      return false;
    }
    queue.add(item);
    accepted.increment();
    return true;
  }

  /** How many items are waiting. */
  public int queued() {
    return queued.get();
  }

  private void run() {
    LowPriority.lowerCurrentThread();
    List<T> batch = new ArrayList<>(batchSize);
    while (running || !queue.isEmpty()) {
      try {
        for (T item; batch.size() < batchSize && (item = queue.poll()) != null; ) {
          batch.add(item);
        }
        if (batch.isEmpty()) {
          Thread.sleep(idleMillis);
        } else {
          queued.addAndGet(-batch.size());
          taker.accept(batch);
        }
      } catch (InterruptedException e) {
        running = false;
      } finally {
        taken.addAndGet(batch.size());
        batch.clear();
      }
    }
  }

  /** Waits (at most 30 s) until every item offered before this call has been taken. */
  public void flush() {
    long target = accepted.sum();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (taken.get() < target && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Takes what is queued, then stops the background thread. */
  @Override
  public void close() {
    running = false;
    try {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
