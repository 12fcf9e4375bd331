package dev.circlet.gateway.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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

  private static final String APPEND = """
      local c = tonumber(redis.call('HGET', KEYS[1], 'consumed') or '0')
      if c ~= tonumber(ARGV[1]) then return -1 end
      local len = string.len(ARGV[2])
      if len > 0 and redis.call('STRLEN', KEYS[2]) + len > tonumber(ARGV[7]) then return -2 end
      if len > 0 then redis.call('APPEND', KEYS[2], ARGV[2]) end
      redis.call('HSET', KEYS[1], 'consumed', ARGV[3], 'stored', ARGV[4], 'capped', ARGV[5], 'ended', ARGV[6])
      redis.call('SADD', KEYS[3], ARGV[8])
      redis.call('SADD', KEYS[4], ARGV[9])
      return 1
      """;

  private static final String TRIM = """
      local b = tonumber(redis.call('HGET', KEYS[1], 'base') or '0')
      if b ~= tonumber(ARGV[1]) then return -1 end
      local n = tonumber(ARGV[2])
      local rest = redis.call('GETRANGE', KEYS[2], n, -1)
      redis.call('SET', KEYS[2], rest)
      redis.call('HSET', KEYS[1], 'base', b + n)
      return 1
      """;

  private static final String READ = """
      local m = redis.call('HMGET', KEYS[1], 'consumed', 'stored', 'base', 'capped', 'ended', 'compacted')
      local from = tonumber(ARGV[1]) - tonumber(m[3] or '0')
      local data = ''
      if from >= 0 and tonumber(ARGV[2]) > 0 then
        data = redis.call('GETRANGE', KEYS[2], from, from + tonumber(ARGV[2]) - 1)
      end
      return {m[1] or '0', m[2] or '0', m[3] or '0', m[4] or '0', m[5] or '0', m[6] or '0', data}
      """;

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

  static String hot(StepKey k) {
    return tag(k) + ":h";
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
            b(a.capped() ? 1 : 0), b(a.ended() ? 1 : 0), b(hotMaxBytes), b(k.id()), b(k.step())));
    long code = (Long) r;
    return code == 1 ? AppendResult.APPLIED : code == -1 ? AppendResult.STALE : AppendResult.FULL;
  }

  /** The step's state and up to {@code max} hot bytes from output offset {@code from}, read at once. */
  public record HotRead(StepState state, byte[] data) {}

  @SuppressWarnings("unchecked")
  public HotRead read(StepKey k, long from, int max) {
    List<Object> r = (List<Object>) redis.eval(b(READ), List.of(b(meta(k)), b(hot(k))),
        List.of(b(from), b(max)));
    StepState s = new StepState(num(r.get(0)), num(r.get(1)), num(r.get(2)),
        num(r.get(3)) == 1, num(r.get(4)) == 1, num(r.get(5)) == 1);
    return new HotRead(s, (byte[]) r.get(6));
  }

  private static long num(Object o) {
    return Long.parseLong(new String((byte[]) o, StandardCharsets.UTF_8));
  }

  /** Drops the first {@code n} hot bytes once they are in object storage, if base is still {@code base}. */
  public boolean trim(StepKey k, long base, long n) {
    Object r = redis.eval(b(TRIM), List.of(b(meta(k)), b(hot(k))), List.of(b(base), b(n)));
    return (Long) r == 1;
  }

  /** Marks the step compacted into one object and stops tracking it as active. */
  public void compacted(StepKey k) {
    redis.hset(meta(k), "compacted", "1");
    redis.del(hot(k));
    redis.srem(ACTIVE, k.id());
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
