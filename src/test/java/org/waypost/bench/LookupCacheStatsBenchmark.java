package org.waypost.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.waypost.tracking.Tracker;

/**
 * What {@code recordStats()} costs the lookup cache ({@link Tracker}): cache hits per second on a
 * cache built as Tracker builds it (200,000 entries at most, expiry after write), with and without
 * statistics, in turns in one run, on as many threads as the machine has cores. Caffeine counts a
 * hit in a striped {@code LongAdder}, so the cost should be a few nanoseconds against the tens of
 * microseconds a lookup takes over HTTP. Prints CPU nanoseconds per hit (CPU time, not wall time:
 * the figures hold on a machine shared with other work) and the ratio with/without.
 *
 * <p>Run: {@code mvn -B -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.waypost.bench.LookupCacheStatsBenchmark}
 */
public final class LookupCacheStatsBenchmark {
  private static final int NUMBERS = 10_000;
  private static final long ROUND_NANOS = Duration.ofSeconds(2).toNanos();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private LookupCacheStatsBenchmark() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = Runtime.getRuntime().availableProcessors();
    String[] numbers = new String[NUMBERS];
    for (int i = 0; i < NUMBERS; i++) {
      numbers[i] = "9400111899223" + String.format("%09d", i);
    }
    Cache<String, Optional<byte[]>> plain = cache(false);
    Cache<String, Optional<byte[]>> counted = cache(true);
    for (String number : numbers) {
      plain.put(number, Optional.of(new byte[1700]));
      counted.put(number, Optional.of(new byte[1700]));
    }
    for (int warmUp = 0; warmUp < 3; warmUp++) {
      nanosPerHit(plain, numbers, threads);
      nanosPerHit(counted, numbers, threads);
    }
    int rounds = 5;
    double plainNanos = 0;
    double countedNanos = 0;
    for (int round = 0; round < rounds; round++) {
      plainNanos += nanosPerHit(plain, numbers, threads) / rounds;
      countedNanos += nanosPerHit(counted, numbers, threads) / rounds;
    }
    System.out.printf(
        "cache hits on %d threads, %d numbers, %d rounds of 2 s in turns:%n",
        threads, NUMBERS, rounds);
    System.out.printf("  without recordStats: %.1f CPU ns per hit%n", plainNanos);
    System.out.printf("  with recordStats:    %.1f CPU ns per hit%n", countedNanos);
    System.out.printf("  ratio with/without:  %.2f%n", countedNanos / plainNanos);
    System.out.printf(
        "  hit rate with stats: %.4f (every get should hit)%n", counted.stats().hitRate());
  }

  private static Cache<String, Optional<byte[]>> cache(boolean stats) {
    Caffeine<Object, Object> builder =
        // an expiry longer than the run, so that every get is a hit
        Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofHours(1));
    return (stats ? builder.recordStats() : builder).build();
  }

  /** Hits from {@code threads} threads for one round; the mean CPU time a hit took. */
  private static double nanosPerHit(
      Cache<String, Optional<byte[]>> cache, String[] numbers, int threads)
      throws InterruptedException {
    LongAdder hits = new LongAdder();
    LongAdder cpuNanos = new LongAdder();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform()
          .start(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long cpuStarted = THREADS.getCurrentThreadCpuTime();
                long deadline = System.nanoTime() + ROUND_NANOS;
                long mine = 0;
                while (System.nanoTime() < deadline) {
                  for (int i = 0; i < 1_000; i++) {
                    if (cache
                        .get(numbers[random.nextInt(NUMBERS)], n -> Optional.empty())
                        .isPresent()) {
                      mine++;
                    }
                  }
                }
                cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpuStarted);
                hits.add(mine);
                done.countDown();
              });
    }
    done.await();
    return (double) cpuNanos.sum() / hits.sum();
  }
}
