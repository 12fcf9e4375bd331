package dev.circlet.gateway.logs;

import dev.circlet.gateway.runner.RunnerGrpcService;
import dev.circlet.gateway.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.util.JedisURIHelper;
import redis.clients.jedis.UnifiedJedis;

/** Builds the output processor from configuration; the parts themselves know nothing of CDI. */
@ApplicationScoped
public class LogsProducers {
  @Produces
  @Singleton
  UnifiedJedis redis(LogsConfig c) {
    URI uri = URI.create(c.redisUrl());
    if (c.redisPassword().isEmpty() || c.redisPassword().get().isEmpty()) {
      return new JedisPooled(HotBuffer.poolConfig(), uri);
    }
    // The password comes from a Secret, apart from the URL, so no character of it needs escaping.
    return new JedisPooled(JedisURIHelper.getHostAndPort(uri), DefaultJedisClientConfig.builder()
        .user(JedisURIHelper.getUser(uri)).password(c.redisPassword().get()).database(JedisURIHelper.getDBIndex(uri))
        .ssl(JedisURIHelper.isRedisSSLScheme(uri)).build(), HotBuffer.poolConfig());
  }

  void closeRedis(@Disposes UnifiedJedis redis) {
    redis.close();
  }

  @Produces
  @Singleton
  ObjectStore objectStore(StorageConfig c) {
    ObjectStore s = new ObjectStore(new ObjectStore.Settings(c.endpoint().orElse(null), c.region(), c.bucket(),
        c.accessKey().orElse(""), c.secretKey().orElse(""), c.pathStyle(), c.timeout()));
    try {
      s.ensureBucket();
    } catch (RuntimeException e) {
      // object storage may be down at start: output waits in the hot buffer until it is back
      java.util.logging.Logger.getLogger(LogsProducers.class.getName())
          .warning("cannot check bucket " + c.bucket() + ": " + e);
    }
    return s;
  }

  void closeStore(@Disposes ObjectStore s) {
    s.close();
  }

  @Produces
  @Singleton
  OutputProcessor processor(UnifiedJedis redis, ObjectStore store, LogsConfig c) {
    return new OutputProcessor(redis, store, new OutputProcessor.Settings(c.stepCapBytes(), c.hotMaxBytes(),
        c.segmentBytes(), c.flushAfter(), c.retryMin(), c.retryMax(), c.uploadInterval()));
  }

  void closeProcessor(@Disposes OutputProcessor p) throws InterruptedException {
    p.close();
  }

  @Produces
  @Singleton
  RunnerGrpcService.Settings runnerSettings(LogsConfig c, StorageConfig s) {
    return new RunnerGrpcService.Settings(c.stepCapBytes(), c.maxChunkBytes(), c.fullWait(), s.transferTtl());
  }
}
