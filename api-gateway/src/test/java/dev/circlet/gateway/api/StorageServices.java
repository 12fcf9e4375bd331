package dev.circlet.gateway.api;

import dev.circlet.gateway.storage.ObjectStore;
import dev.circlet.gateway.testing.S3ProxyProcess;
import dev.circlet.gateway.testing.S3ProxyServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * The services of {@link GatewayServices} with real object storage: S3Proxy on loopback (in a child
 * JVM, see {@link S3ProxyProcess}), holding
 * the bucket the gateway reads artifacts from. Static, so the test can put objects in it.
 */
public final class StorageServices implements QuarkusTestResourceLifecycleManager {
  static final String BUCKET = "circlet-artifacts";
  static S3ProxyProcess s3;
  static ObjectStore store;
  private final GatewayServices services = new GatewayServices();

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new java.util.HashMap<>(services.start());
    try {
      s3 = new S3ProxyProcess(BUCKET);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
    store = new ObjectStore(new ObjectStore.Settings(s3.endpoint(), "us-east-1", BUCKET, S3ProxyServer.ACCESS,
        S3ProxyServer.SECRET, true, Duration.ofSeconds(10)));
    config.put("circlet.storage.endpoint", s3.endpoint().toString());
    config.put("circlet.storage.bucket", BUCKET);
    config.put("circlet.storage.access-key", S3ProxyServer.ACCESS);
    config.put("circlet.storage.secret-key", S3ProxyServer.SECRET);
    config.put("circlet.storage.timeout", "10s");
    return config;
  }

  @Override
  public void stop() {
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      try {
        s3.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    services.stop();
  }
}
