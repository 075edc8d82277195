package org.waypost.abuse;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.config.AbuseConfig;
import org.waypost.keys.EphemeralKeys;

/**
 * The abuse state that nodes share through Redis when {@code abuse.redisUrl} is set: token buckets
 * (Bucket4j's Lettuce integration), each client's window of asked numbers and each network's
 * failure counts (Lua scripts, atomic in Redis), blocks (keys that expire with the block), and the
 * hourly pseudonym key (created once per hour with {@code SET NX EX}, so every node gives a client
 * the same pseudonym). Keys are pseudonyms under that hourly key; no address or number reaches
 * Redis. Redis must run without persistence ({@code save ""}, {@code appendonly no}): the hourly
 * key must never reach a disk.
 *
 * <p>When Redis fails, each call answers empty and the caller falls back to this node's own
 * in-memory state for {@link #RETRY_AFTER} (docs/scaling.md says why: neither open nor closed).
 */
public final class SharedAbuseState implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedAbuseState.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "waypost:abuse:";
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  /**
   * KEYS[1]: a client's window (hash: number tag -> minute * 2 + failed). ARGV: minute, window
   * minutes, then tag and failed (0/1) per number. Returns new numbers, new failures, distinct,
   * failed, first minute — as {@link Tracked#record} does in memory.
   */
  private static final String RECORD =
      """
      local minute = tonumber(ARGV[1])
      local oldest = minute - tonumber(ARGV[2]) + 1
      local all = redis.call('HGETALL', KEYS[1])
      for i = 1, #all, 2 do
        if math.floor(tonumber(all[i + 1]) / 2) < oldest then redis.call('HDEL', KEYS[1], all[i]) end
      end
      local newLookups, newFailures = 0, 0
      for i = 3, #ARGV, 2 do
        local failed = tonumber(ARGV[i + 1])
        local old = redis.call('HGET', KEYS[1], ARGV[i])
        if old then
          if tonumber(old) % 2 == 1 then failed = 1 end
        else
          newLookups = newLookups + 1
          newFailures = newFailures + failed
        end
        redis.call('HSET', KEYS[1], ARGV[i], minute * 2 + failed)
      end
      local distinct, failures, first = 0, 0, minute
      all = redis.call('HGETALL', KEYS[1])
      for i = 1, #all, 2 do
        local v = tonumber(all[i + 1])
        distinct = distinct + 1
        if v % 2 == 1 then failures = failures + 1 end
        if math.floor(v / 2) < first then first = math.floor(v / 2) end
      end
      redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) * 60 + 60)
      return {newLookups, newFailures, distinct, failures, first}
      """;

  /**
   * KEYS[1]: a network's counts (hash: "minute:l" and "minute:f"). ARGV: minute, window minutes,
   * lookups, failures. Returns the window's lookups and failures, as {@link Slots#add} does.
   */
  private static final String ADD =
      """
      local minute = tonumber(ARGV[1])
      local oldest = minute - tonumber(ARGV[2]) + 1
      redis.call('HINCRBY', KEYS[1], minute .. ':l', ARGV[3])
      redis.call('HINCRBY', KEYS[1], minute .. ':f', ARGV[4])
      local all = redis.call('HGETALL', KEYS[1])
      local lookups, failures = 0, 0
      for i = 1, #all, 2 do
        local m = tonumber(string.match(all[i], '^(%d+)'))
        if m < oldest then redis.call('HDEL', KEYS[1], all[i])
        elseif string.sub(all[i], -1) == 'l' then lookups = lookups + tonumber(all[i + 1])
        else failures = failures + tonumber(all[i + 1]) end
      end
      redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) * 60 + 60)
      return {lookups, failures}
      """;

  /** A block as Redis holds it until it ends. */
  record Block(String rule, long until, long incident) {}

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final ProxyManager<byte[]> buckets;
  private final BucketConfiguration clientLimits;
  private final BucketConfiguration prefixLimits;
  private final Clock clock;
  private volatile long downUntil;
  private volatile boolean down;

  /**
   * Connects to Redis at {@code url}.
   *
   * @throws io.lettuce.core.RedisConnectionException when Redis does not answer: a node told to
   *     share its abuse state does not start without it
   */
  public SharedAbuseState(String url, AbuseConfig config, Clock clock) {
    this.clock = clock;
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(TIMEOUT);
    this.client = RedisClient.create(uri);
    // while disconnected, fail at once (and fall back) rather than queue until the timeout
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    this.connection = client.connect(StringCodec.UTF8);
    StatefulRedisConnection<byte[], byte[]> bytes =
        client.connect((RedisCodec<byte[], byte[]>) ByteArrayCodec.INSTANCE);
    this.buckets =
        Bucket4jLettuce.casBasedBuilder(bytes)
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofMinutes(1)))
            .clientClock(Buckets.timeMeter(clock))
            .build();
    this.clientLimits =
        limits(
            Buckets.perMinute(config.clientNumbersPerMinute()),
            Buckets.perDay(config.clientNumbersPerDay()));
    this.prefixLimits =
        limits(
            Buckets.perMinute(config.prefixNumbersPerMinute()),
            Buckets.perDay(config.prefixNumbersPerDay()));
  }

  /**
   * The hourly pseudonym key all nodes share: set once with {@code SET NX EX} (two hours, so the
   * previous hour's stays for the rotation), then read back; a node that cannot reach Redis makes
   * its own for the hour, and says so.
   */
  public EphemeralKeys.Source hourlyKeys() {
    return hour -> {
      byte[] mine = new byte[32];
      RANDOM.nextBytes(mine);
      Optional<String> shared =
          call(
              redis -> {
                String key = PREFIX + "hourly-key:" + hour;
                redis.set(
                    key, Base64.getEncoder().encodeToString(mine), SetArgs.Builder.nx().ex(7200));
                return redis.get(key);
              });
      if (shared.isEmpty()) {
        log.warn("hourly pseudonym key made on this node only: Redis unavailable hour={}", hour);
        return mine;
      }
      return Base64.getDecoder().decode(shared.get());
    };
  }

  /** Takes {@code numbers} tokens from the client's and then the network's bucket. */
  Optional<ConsumptionProbe> consume(Blocks.Scope scope, Pseudonym who, int numbers) {
    BucketConfiguration limits = scope == Blocks.Scope.CLIENT ? clientLimits : prefixLimits;
    byte[] key = key("bucket:" + scope.name().toLowerCase(java.util.Locale.ROOT), who);
    return call(
        redis -> buckets.builder().build(key, () -> limits).tryConsumeAndReturnRemaining(numbers));
  }

  /** Gives back tokens taken from a client's bucket when its network refused the request. */
  void refund(Pseudonym who, int numbers) {
    byte[] key = key("bucket:client", who);
    call(
        redis -> {
          buckets.builder().build(key, () -> clientLimits).addTokens(numbers);
          return true;
        });
  }

  /** The block in place for this client or network, if any. */
  Optional<Optional<Block>> block(Blocks.Scope scope, Pseudonym who) {
    return call(
        redis -> {
          String value = redis.get(text("block:" + scope.name(), who));
          if (value == null) {
            return Optional.<Block>empty();
          }
          String[] parts = value.split(" ", 3);
          return Optional.of(
              new Block(parts[2], Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        });
  }

  /** Records a block on every node until it ends. */
  void block(Blocks.Scope scope, Pseudonym who, Block block) {
    long ttl = block.until() - clock.millis();
    if (ttl <= 0) {
      return;
    }
    call(
        redis ->
            redis.set(
                text("block:" + scope.name(), who),
                block.until() + " " + block.incident() + " " + block.rule(),
                SetArgs.Builder.px(ttl)));
  }

  /** Forgets a lifted block and the counts that led to it. */
  void lift(Blocks.Scope scope, Pseudonym who) {
    call(
        redis ->
            redis.del(
                text("block:" + scope.name(), who),
                text(scope == Blocks.Scope.CLIENT ? "window" : "counts", who)));
  }

  /** {@link Tracked#record}, shared: the client's window of asked numbers. */
  Optional<Tracked.Recorded> record(
      Pseudonym who, long minute, int windowMinutes, int[] hashes, boolean[] failed) {
    String[] args = new String[2 + hashes.length * 2];
    args[0] = Long.toString(minute);
    args[1] = Integer.toString(windowMinutes);
    for (int i = 0; i < hashes.length; i++) {
      args[2 + i * 2] = Integer.toHexString(hashes[i]);
      args[3 + i * 2] = failed[i] ? "1" : "0";
    }
    return call(
        redis -> {
          List<Long> r =
              redis.eval(RECORD, ScriptOutputType.MULTI, new String[] {text("window", who)}, args);
          return new Tracked.Recorded(
              r.get(0).intValue(),
              r.get(1).intValue(),
              new Window.Counts(r.get(2).intValue(), r.get(3).intValue(), r.get(4)));
        });
  }

  /** {@link Slots#add}, shared: the network's lookups and failures in the window. */
  Optional<int[]> add(
      Pseudonym network, long minute, int windowMinutes, int lookups, int failures) {
    return call(
        redis -> {
          List<Long> r =
              redis.eval(
                  ADD,
                  ScriptOutputType.MULTI,
                  new String[] {text("counts", network)},
                  Long.toString(minute),
                  Integer.toString(windowMinutes),
                  Integer.toString(lookups),
                  Integer.toString(failures));
          return new int[] {r.get(0).intValue(), r.get(1).intValue()};
        });
  }

  /**
   * Runs {@code work} against Redis unless it failed in the last {@link #RETRY_AFTER}; empty when
   * Redis cannot answer (logged once per outage, by class only).
   */
  private <T> Optional<T> call(java.util.function.Function<RedisCommands<String, String>, T> work) {
    if (clock.millis() < downUntil) {
      return Optional.empty();
    }
    try {
      T result = work.apply(connection.sync());
      if (down) {
        down = false;
        log.info("redis available again, abuse limits are shared");
      }
      return Optional.ofNullable(result);
    } catch (RuntimeException e) {
      if (!down) {
        down = true;
        log.warn(
            "redis unavailable, abuse limits are per node until it answers error={}",
            e.getClass().getName());
      }
      downUntil = clock.millis() + RETRY_AFTER.toMillis();
      return Optional.empty();
    }
  }

  private static String text(String kind, Pseudonym who) {
    return PREFIX + kind + ":" + Long.toHexString(who.high()) + Long.toHexString(who.low());
  }

  private static byte[] key(String kind, Pseudonym who) {
    return text(kind, who).getBytes(StandardCharsets.US_ASCII);
  }

  private static BucketConfiguration limits(Bandwidth... bandwidths) {
    var builder = BucketConfiguration.builder();
    for (Bandwidth b : bandwidths) {
      builder.addLimit(b);
    }
    return builder.build();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
