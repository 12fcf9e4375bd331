package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.gateway.webhook.Provider;
import dev.circlet.gateway.webhook.WebhookSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Webhook secrets from the Secrets that Pipelines name in {@code spec.repository.webhookSecretRef}.
 * Every key of such a Secret is a valid secret, so rotation is: add the new key, switch the VCS,
 * remove the old key. A Pipeline without {@code provider} counts for the provider its URL's host
 * names (github, gitlab, bitbucket), else for all. The snapshot is rebuilt at most every
 * {@code maxAge}, and once more (rate-limited) when a signature matched nothing.
 */
public final class KubernetesWebhookSecrets implements WebhookSecrets {
  private final KubernetesClient client;
  private final KubernetesPipelines pipelines;
  private final Duration maxAge;
  private final Duration minRefresh;
  private final Clock clock;
  private volatile Snapshot snapshot = new Snapshot(Instant.EPOCH, Map.of());

  private record Snapshot(Instant at, Map<Provider, List<byte[]>> secrets) {}

  public KubernetesWebhookSecrets(KubernetesClient client, KubernetesPipelines pipelines, Duration maxAge,
      Duration minRefresh, Clock clock) {
    this.client = client;
    this.pipelines = pipelines;
    this.maxAge = maxAge;
    this.minRefresh = minRefresh;
    this.clock = clock;
  }

  @Override
  public List<byte[]> forProvider(Provider provider) {
    Snapshot s = snapshot;
    if (s.at().plus(maxAge).isBefore(clock.instant())) {
      s = reload();
    }
    return s.secrets().getOrDefault(provider, List.of());
  }

  @Override
  public boolean current() {
    return !snapshot.at().plus(maxAge).isBefore(clock.instant());
  }

  @Override
  public boolean refresh() {
    if (snapshot.at().plus(minRefresh).isAfter(clock.instant())) {
      return false;
    }
    reload();
    return true;
  }

  private synchronized Snapshot reload() {
    Map<Provider, List<byte[]>> out = new EnumMap<>(Provider.class);
    Map<String, Map<String, String>> secretData = new LinkedHashMap<>();
    for (Pipeline p : pipelines.all()) {
      var repo = p.getSpec() == null ? null : p.getSpec().repository;
      if (repo == null || repo.webhookSecretRef == null) {
        continue;
      }
      String key = p.getMetadata().getNamespace() + "/" + repo.webhookSecretRef;
      Map<String, String> data = secretData.computeIfAbsent(key, k -> {
        Secret sec = client.secrets().inNamespace(p.getMetadata().getNamespace()).withName(repo.webhookSecretRef).get();
        return sec == null || sec.getData() == null ? Map.of() : sec.getData();
      });
      for (Provider provider : providers(repo.provider, repo.url)) {
        List<byte[]> list = out.computeIfAbsent(provider, x -> new ArrayList<>());
        for (String v : data.values()) {
          list.add(Base64.getDecoder().decode(v));
        }
      }
    }
    Snapshot s = new Snapshot(clock.instant(), out);
    snapshot = s;
    return s;
  }

  static List<Provider> providers(String declared, String url) {
    Provider p = declared == null ? null : Provider.fromId(declared);
    if (p != null) {
      return List.of(p);
    }
    String u = url == null ? "" : RepositoryUrls.normalise(url);
    for (Provider candidate : Provider.values()) {
      if (u.startsWith(candidate.id() + ".")) {
        return List.of(candidate);
      }
    }
    return List.of(Provider.values());
  }
}
