package dev.circlet.operator.runtime;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/**
 * Lifts the client's request concurrency limits: the operator creates hundreds of pods per second
 * and the defaults (64 in flight, 5 per host) would throttle it long before the API server does.
 */
@Singleton
public class KubernetesClientTuning implements KubernetesConfigCustomizer {
  public static final int MAX_CONCURRENT_REQUESTS = 512;

  @Override
  public void customize(Config config) {
    tune(config);
  }

  /** The same tuning for clients built outside Quarkus (tests, benchmark). */
  public static Config tune(Config config) {
    config.setMaxConcurrentRequests(MAX_CONCURRENT_REQUESTS);
    config.setMaxConcurrentRequestsPerHost(MAX_CONCURRENT_REQUESTS);
    return config;
  }
}
