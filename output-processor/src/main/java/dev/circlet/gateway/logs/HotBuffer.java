package dev.circlet.gateway.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The durable hot buffer in Redis: each step's newest output and its offsets, written together by
 * one script so an acknowledgement never runs ahead of the bytes. Redis runs with
 * {@code appendonly yes} and {@code appendfsync always}: it answers a write only after the append
 * file is fsynced, so a write the gateway saw succeed (and acknowledged to the runner) survives a
 * crash of the gateway, of Redis or of the machine.
 */
public final class HotBuffer {
  /** Outcome of {@link #append}. */
  public enum AppendResult { APPLIED, STALE, FULL }

  private static final String ACTIVE = "circlet:log:active";

  /**
   * The hot bytes of a step live in blocks of this many bytes, one Redis string per block, keyed by
   * the block's index in the step's stored output ({@code …:h:<stored offset / BLOCK>}). Trimming the
   * bytes that reached object storage deletes whole blocks: with one string per step, a trim rewrote
   * (and, with {@code appendfsync always}, fsynced into the append-only file) every byte still hot,
   * which multiplied Redis' writes by the buffer's depth whenever object storage fell behind. Fixed,
   * not configurable: the keys of output already buffered depend on it.
   */
  static final long BLOCK = 1 << 20;

  private static final String APPEND = """
      local c = tonumber(redis.call('HGET', KEYS[1], 'consumed') or '0')
      if c ~= tonumber(ARGV[1]) then return -1 end
      local data = ARGV[2]
      local len = string.len(data)
      local m = redis.call('HMGET', KEYS[1], 'stored', 'base')
      local stored = tonumber(m[1] or '0')
      local base = tonumber(m[2] or '0')
      if len > 0 and stored - base + len > tonumber(ARGV[7]) then return -2 end
      local block = tonumber(ARGV[10])
      local pos = 1
      while pos <= len do
        local room = block - (stored % block)
        local part = string.sub(data, pos, pos + room - 1)
        redis.call('APPEND', KEYS[2] .. math.floor(stored / block), part)
        pos = pos + string.len(part)
        stored = stored + string.len(part)
      end
      redis.call('HSET', KEYS[1], 'consumed', ARGV[3], 'stored', ARGV[4], 'capped', ARGV[5], 'ended', ARGV[6])
      redis.call('SADD', KEYS[3], ARGV[8])
      redis.call('SADD', KEYS[4], ARGV[9])
      return 1
      """;

  private static final String TRIM = """
      local b = tonumber(redis.call('HGET', KEYS[1], 'base') or '0')
      if b ~= tonumber(ARGV[1]) then return -1 end
      local block = tonumber(ARGV[3])
      local nb = b + tonumber(ARGV[2])
      for i = math.floor(b / block), math.floor(nb / block) - 1 do
        redis.call('DEL', KEYS[2] .. i)
      end
      redis.call('HSET', KEYS[1], 'base', nb)
      return 1
      """;

  private static final String READ = """
      local m = redis.call('HMGET', KEYS[1], 'consumed', 'stored', 'base', 'capped', 'ended', 'compacted')
      local from = tonumber(ARGV[1])
      local stored = tonumber(m[2] or '0')
      local want = math.min(tonumber(ARGV[2]), stored - from)
      local parts = {}
      if from >= tonumber(m[3] or '0') and want > 0 then
        local block = tonumber(ARGV[3])
        local at = from
        while want > 0 do
          local o = at % block
          local n = math.min(want, block - o)
          local s = redis.call('GETRANGE', KEYS[2] .. math.floor(at / block), o, o + n - 1)
          local got = string.len(s)
          if got > 0 then parts[#parts + 1] = s end
          if got < n then break end
          at = at + got
          want = want - got
        end
      end
      return {m[1] or '0', m[2] or '0', m[3] or '0', m[4] or '0', m[5] or '0', m[6] or '0', table.concat(parts)}
      """;

  private static final String COMPACTED = """
      local m = redis.call('HMGET', KEYS[1], 'stored', 'base')
      local block = tonumber(ARGV[2])
      for i = math.floor(tonumber(m[2] or '0') / block), math.floor(tonumber(m[1] or '0') / block) do
        redis.call('DEL', KEYS[2] .. i)
      end
      redis.call('HSET', KEYS[1], 'compacted', '1')
      redis.call('SREM', KEYS[3], ARGV[1])
      return 1
      """;

  /**
   * The connection pool the hot buffer needs: every log stream holds a connection for the length of
   * an append (Redis answers after its fsync), so Jedis' default of 8 connections made 50 streams
   * queue for a connection, and Redis batched at most 8 appends into one fsync.
   */
  public static ConnectionPoolConfig poolConfig() {
    ConnectionPoolConfig c = new ConnectionPoolConfig();
    c.setMaxTotal(128);
    c.setMaxIdle(128);
    c.setMinIdle(0);
    return c;
  }

  private final UnifiedJedis redis;
  private final long hotMaxBytes;

  public HotBuffer(UnifiedJedis redis, long hotMaxBytes) {
    this.redis = redis;
    this.hotMaxBytes = hotMaxBytes;
  }

  private static String tag(StepKey k) {
    return "circlet:log:{" + k.namespace() + "/" + k.build() + "}:" + k.step();
  }

  static String meta(StepKey k) {
    return tag(k) + ":m";
  }

  /** The prefix of a step's hot blocks; block {@code i} is this followed by {@code i}. */
  static String hot(StepKey k) {
    return tag(k) + ":h:";
  }

  static String stepsKey(String namespace, String build) {
    return "circlet:log:{" + namespace + "/" + build + "}:steps";
  }

  private static byte[] b(Object o) {
    return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
  }

  public StepState state(StepKey k) {
    return read(k, 0, 0).state();
  }

  /**
   * Appends output and moves the offsets, only if the step's consumed offset is still
   * {@code expectedConsumed} (another stream for the step may have moved it).
   */
  public AppendResult append(StepKey k, long expectedConsumed, StepOutput.Append a) {
    Object r = redis.eval(b(APPEND),
        List.of(b(meta(k)), b(hot(k)), b(ACTIVE), b(stepsKey(k.namespace(), k.build()))),
        List.of(b(expectedConsumed), a.data(), b(a.consumedAfter()), b(a.storedAfter()),
            b(a.capped() ? 1 : 0), b(a.ended() ? 1 : 0), b(hotMaxBytes), b(k.id()), b(k.step()), b(BLOCK)));
    long code = (Long) r;
    return code == 1 ? AppendResult.APPLIED : code == -1 ? AppendResult.STALE : AppendResult.FULL;
  }

  /** The step's state and up to {@code max} hot bytes from output offset {@code from}, read at once. */
  public record HotRead(StepState state, byte[] data) {}

  @SuppressWarnings("unchecked")
  public HotRead read(StepKey k, long from, int max) {
    List<Object> r = (List<Object>) redis.eval(b(READ), List.of(b(meta(k)), b(hot(k))),
        List.of(b(from), b(max), b(BLOCK)));
    StepState s = new StepState(num(r.get(0)), num(r.get(1)), num(r.get(2)),
        num(r.get(3)) == 1, num(r.get(4)) == 1, num(r.get(5)) == 1);
    return new HotRead(s, (byte[]) r.get(6));
  }

  private static long num(Object o) {
    return Long.parseLong(new String((byte[]) o, StandardCharsets.UTF_8));
  }

  /** Drops the first {@code n} hot bytes once they are in object storage, if base is still {@code base}. */
  public boolean trim(StepKey k, long base, long n) {
    Object r = redis.eval(b(TRIM), List.of(b(meta(k)), b(hot(k))), List.of(b(base), b(n), b(BLOCK)));
    return (Long) r == 1;
  }

  /**
   * Records the status the runner reported for the finished step ({@code success}, {@code failed},
   * {@code canceled}, {@code timedout}), so a live tail's end can carry it.
   */
  public void finished(StepKey k, String status) {
    redis.hset(meta(k), "status", status);
  }

  /** The status the runner reported for the finished step, if it did. */
  public java.util.Optional<String> status(StepKey k) {
    return java.util.Optional.ofNullable(redis.hget(meta(k), "status")).filter(s -> !s.isEmpty());
  }

  /** Marks the step compacted into one object and stops tracking it as active. */
  public void compacted(StepKey k) {
    redis.eval(COMPACTED, List.of(meta(k), hot(k), ACTIVE), List.of(k.id(), String.valueOf(BLOCK)));
  }

  /** Steps with output not yet compacted. */
  public Set<StepKey> active() {
    Set<StepKey> out = new java.util.LinkedHashSet<>();
    for (String id : redis.smembers(ACTIVE)) {
      out.add(StepKey.parse(id));
    }
    return out;
  }

  /** Step indices of a Build that have output. */
  public List<Integer> steps(String namespace, String build) {
    Set<Integer> s = new TreeSet<>();
    for (String v : redis.smembers(stepsKey(namespace, build))) {
      s.add(Integer.parseInt(v));
    }
    return new ArrayList<>(s);
  }

  /** A short-lived per-step lock so one gateway replica uploads a step's segments at a time. */
  public boolean lock(StepKey k, String owner, long millis) {
    return "OK".equals(redis.set(tag(k) + ":lock", owner, SetParams.setParams().nx().px(millis)));
  }

  public void unlock(StepKey k, String owner) {
    redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        List.of(tag(k) + ":lock"), List.of(owner));
  }
}
