package org.waypost.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.waypost.abuse.Blocks;
import org.waypost.abuse.LookupLimits;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.keys.EphemeralKeys;
import org.waypost.keys.KeyStore;
import org.waypost.keys.MasterKey;
import org.waypost.testing.TestApp;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.Visit;

/**
 * Measures the heap that abuse-defence state costs for one million distinct clients, each looking
 * up one number (a found one for most, a handful of failures for some). Prints the heap used before
 * and after, and the bytes per client. Run: bench/abuse-memory.sh.
 */
public final class AbuseMemoryBenchmark {
  private AbuseMemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("waypost-abuse-memory");
    WaypostConfig config =
        TestApp.config(
            new java.util.HashMap<>(
                Map.of(
                    "database.url", "jdbc:sqlite:" + dir.resolve("waypost.db"),
                    "privacy.keyDir", dir.resolve("keys").toString(),
                    "privacy.masterKeyFile", dir.resolve("keys/master.key").toString(),
                    "abuse.maxTrackedClients", Integer.toString(Math.max(1000, clients)))));
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    try (Database database = Database.open(config.database())) {
      KeyStore keys =
          new KeyStore(Path.of(config.privacy().keyDir()), MasterKey.load(config.privacy()));
      Clock clock = Clock.systemUTC();
      LookupLimits limits =
          new LookupLimits(
              config.abuse(),
              new EphemeralKeys(clock),
              clock,
              new Blocks(database, keys, config.abuse().maxBlockDays()),
              new SimpleMeterRegistry());
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long before = settledHeap(memory);
      long started = System.nanoTime();
      byte[] address = new byte[16];
      address[0] = 0x20;
      address[1] = 0x01;
      address[2] = 0x0d;
      address[3] = (byte) 0xb8;
      List<Visit.Lookup> found = List.of(new Visit.Lookup("9400111206206406260787", Outcome.FOUND));
      List<Visit.Lookup> failed =
          List.of(new Visit.Lookup("9400111206206406260788", Outcome.INVALID));
      for (int i = 0; i < clients; i++) {
        // one client per /48 as well, the worst case for the prefix state
        address[4] = (byte) (i >>> 16);
        address[5] = (byte) (i >>> 8);
        address[6] = (byte) i;
        address[15] = 7;
        InetAddress client = InetAddress.getByAddress(address);
        LookupLimits.Subject subject = limits.subject(client);
        limits.admit(subject, 1);
        limits.observe(subject, i % 10 == 0 ? failed : found);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      long after = settledHeap(memory);
      long used = after - before;
      report(
          "one request each (90% found, 10% one unknown number)", clients, before, after, seconds);
      started = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        address[4] = (byte) (i >>> 16);
        address[5] = (byte) (i >>> 8);
        address[6] = (byte) i;
        LookupLimits.Subject subject = limits.subject(InetAddress.getByAddress(address));
        limits.admit(subject, 1);
        limits.observe(subject, found);
      }
      seconds = (System.nanoTime() - started) / 1e9;
      long returning = settledHeap(memory);
      report(
          "every client back a second time (all hold full state)",
          clients,
          before,
          returning,
          seconds);
      java.lang.ref.Reference.reachabilityFence(limits);
    }
  }

  private static void report(
      String scenario, int clients, long before, long after, double seconds) {
    long used = after - before;
    System.out.printf(
        "%s%n  clients: %,d (each also its own /48 network), heap before %,d MB, after %,d MB%n"
            + "  abuse state: %,d MB, %,d bytes per client (client and network together)%n"
            + "  admit+observe: %.2f µs per request%n",
        scenario,
        clients,
        before >> 20,
        after >> 20,
        used >> 20,
        used / clients,
        seconds * 1e6 / clients);
  }

  private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
