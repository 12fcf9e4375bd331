package dev.circlet.gateway.runner;

import dev.circlet.gateway.logs.LogsConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Runner identity on the real cluster: the build pod's projected ServiceAccount token with the
 * Circlet audience, checked with a TokenReview for that audience, then matched to the Build that
 * owns the pod it is bound to ({@link RunnerIdentityRules}). Accepted identities are cached
 * briefly (never past the token's expiry), so a stream's calls cost no API request each.
 */
@ApplicationScoped
public class KubernetesRunnerAuthenticator implements RunnerAuthenticator {
  /** How long an accepted token is trusted without asking the API server again. */
  public static final Duration DEFAULT_CACHE = Duration.ofSeconds(30);
  private static final int CACHE_LIMIT = 10_000;
  /** The ServiceAccount of machine-executor VMs' tokens (the operator's {@code circlet.machine.service-account}). */
  public static final String DEFAULT_MACHINE_ACCOUNT = "circlet-machine";

  /** The three reads an authentication needs; the Kubernetes client in production. */
  interface Lookups {
    TokenReviewStatus review(String token, String audience);

    Pod pod(String namespace, String name);

    GenericKubernetesResource build(String namespace, String name);

    /** A machine-executor VM (KubeVirt VirtualMachineInstance); null when it or its API is absent. */
    default GenericKubernetesResource vmi(String namespace, String name) {
      return null;
    }
  }

  private record Cached(RunnerIdentity identity, long until) {}

  private final Lookups lookups;
  private final String audience;
  private final String machineAccount;
  private final long cacheMillis;
  private final LongSupplier clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  @Inject
  public KubernetesRunnerAuthenticator(KubernetesClient client, LogsConfig config) {
    this(clientLookups(client), config.runnerAudience(), config.machineServiceAccount(), DEFAULT_CACHE,
        System::currentTimeMillis);
  }

  public KubernetesRunnerAuthenticator(KubernetesClient client, String audience, Duration cache) {
    this(clientLookups(client), audience, DEFAULT_MACHINE_ACCOUNT, cache, System::currentTimeMillis);
  }

  public KubernetesRunnerAuthenticator(KubernetesClient client, String audience, String machineAccount,
      Duration cache) {
    this(clientLookups(client), audience, machineAccount, cache, System::currentTimeMillis);
  }

  KubernetesRunnerAuthenticator(Lookups lookups, String audience, Duration cache, LongSupplier clock) {
    this(lookups, audience, DEFAULT_MACHINE_ACCOUNT, cache, clock);
  }

  /**
   * @param machineAccount the ServiceAccount whose Secret-bound tokens the operator issues to
   *     machine-executor VMs; null accepts pod-bound tokens only
   */
  KubernetesRunnerAuthenticator(Lookups lookups, String audience, String machineAccount, Duration cache,
      LongSupplier clock) {
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("the runner token audience must not be empty");
    }
    this.lookups = lookups;
    this.audience = audience;
    this.machineAccount = machineAccount == null || machineAccount.isBlank() ? null : machineAccount;
    this.cacheMillis = cache.toMillis();
    this.clock = clock;
  }

  @Override
  public RunnerIdentity authenticate(Metadata headers) throws StatusException {
    String token = RunnerAuthenticator.bearer(headers);
    String key = sha256(token);
    long now = clock.getAsLong();
    Cached c = cache.get(key);
    if (c != null && c.until() > now) {
      return c.identity();
    }
    RunnerIdentity id;
    try {
      Object reviewed = RunnerIdentityRules.bound(lookups.review(token, audience), audience, machineAccount, token);
      if (reviewed instanceof RunnerIdentityRules.BoundMachine machine) {
        id = RunnerIdentityRules.machineIdentity(machine, lookups.vmi(machine.namespace(), machine.vmi()),
            lookups::build);
      } else {
        RunnerIdentityRules.BoundPod bound = (RunnerIdentityRules.BoundPod) reviewed;
        Pod pod = lookups.pod(bound.namespace(), bound.name());
        OwnerReference owner = RunnerIdentityRules.owner(bound, pod);
        id = RunnerIdentityRules.identity(bound, pod, owner, lookups.build(bound.namespace(), owner.getName()));
      }
    } catch (KubernetesClientException e) {
      throw Status.UNAVAILABLE.withDescription("the Kubernetes API is unavailable").withCause(e).asException();
    }
    long until = Math.min(now + cacheMillis, JwtClaims.expiryMillis(token).orElse(now + cacheMillis));
    if (until > now) {
      if (cache.size() >= CACHE_LIMIT) {
        cache.entrySet().removeIf(e -> e.getValue().until() <= now);
      }
      if (cache.size() < CACHE_LIMIT) {
        cache.put(key, new Cached(id, until));
      }
    }
    return id;
  }

  private static Lookups clientLookups(KubernetesClient client) {
    return new Lookups() {
      @Override
      public TokenReviewStatus review(String token, String audience) {
        return client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
            .withNewSpec().withToken(token).withAudiences(audience).endSpec().build()).getStatus();
      }

      @Override
      public Pod pod(String namespace, String name) {
        return client.pods().inNamespace(namespace).withName(name).get();
      }

      @Override
      public GenericKubernetesResource build(String namespace, String name) {
        return client.genericKubernetesResources(RunnerIdentityRules.BUILD_API, "Build").inNamespace(namespace)
            .withName(name).get();
      }

      @Override
      public GenericKubernetesResource vmi(String namespace, String name) {
        try {
          return client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext
              .Builder().withGroup("kubevirt.io").withVersion("v1").withKind("VirtualMachineInstance")
              .withPlural("virtualmachineinstances").withNamespaced(true).build())
              .inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404) {
            return null; // no KubeVirt: no VM
          }
          throw e;
        }
      }
    };
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
