package dev.circlet.gateway.runner;

import dev.circlet.api.naming.StorageScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.gateway.logs.LogsConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runner identity on the real cluster. A projected ServiceAccount token with the Circlet audience
 * is checked with a TokenReview; the pod it is bound to (the review's pod-name and pod-uid) must
 * exist with that uid and be controlled by a Build, which becomes the identity, and the job
 * description is built from that Build. Otherwise the per-Build output token is compared with
 * the one in the Build's agent Secret. Results are cached briefly, never past a token's expiry.
 */
@ApplicationScoped
public class KubernetesRunnerAuthenticator implements RunnerAuthenticator {
  static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  static final String POD_UID = "authentication.kubernetes.io/pod-uid";
  static final String BUILD_API = "ci.circlet.dev/v1alpha1";
  private static final long CACHE_MILLIS = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Cached(RunnerIdentity identity, long until) {}

  private final KubernetesClient client;
  private final String audience;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  @Inject
  public KubernetesRunnerAuthenticator(KubernetesClient client, LogsConfig config) {
    this(client, config.runnerAudience());
  }

  public KubernetesRunnerAuthenticator(KubernetesClient client, String audience) {
    this.client = client;
    this.audience = audience;
  }

  @Override
  public RunnerIdentity authenticate(Metadata headers) throws StatusException {
    String token = RunnerAuthenticator.bearer(headers);
    String build = headers.get(BUILD);
    String cacheKey = sha256(token + "\n" + build);
    long now = System.currentTimeMillis();
    Cached c = cache.get(cacheKey);
    if (c != null && c.until() > now) {
      return c.identity();
    }
    RunnerIdentity id;
    long until = now + CACHE_MILLIS;
    try {
      if (build == null) {
        id = projected(token);
        until = Math.min(until, JwtClaims.expiryMillis(token).orElse(until));
      } else {
        id = buildToken(token, build);
      }
    } catch (KubernetesClientException e) {
      throw Status.UNAVAILABLE.withDescription("the Kubernetes API is unavailable").withCause(e).asException();
    }
    if (cache.size() > 10_000) {
      cache.entrySet().removeIf(e -> e.getValue().until() <= now);
    }
    cache.put(cacheKey, new Cached(id, until));
    return id;
  }

  private RunnerIdentity projected(String token) throws StatusException {
    TokenReview review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
        .withNewSpec().withToken(token).withAudiences(audience).endSpec().build());
    TokenReviewStatus s = review.getStatus();
    if (s == null || !Boolean.TRUE.equals(s.getAuthenticated())
        || s.getAudiences() == null || !s.getAudiences().contains(audience)) {
      throw Status.UNAUTHENTICATED.withDescription("the token is not valid for audience " + audience).asException();
    }
    String user = s.getUser() == null ? "" : s.getUser().getUsername();
    String[] parts = user.split(":");
    if (parts.length != 4 || !user.startsWith("system:serviceaccount:")) {
      throw Status.PERMISSION_DENIED.withDescription("not a ServiceAccount token").asException();
    }
    String namespace = parts[2];
    Map<String, List<String>> extra = s.getUser().getExtra() == null ? Map.of() : s.getUser().getExtra();
    String podName = first(extra.get(POD_NAME));
    String podUid = first(extra.get(POD_UID));
    if (podName == null || podUid == null) {
      throw Status.PERMISSION_DENIED.withDescription("the token is not bound to a pod").asException();
    }
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null || !podUid.equals(pod.getMetadata().getUid())) {
      throw Status.PERMISSION_DENIED.withDescription("the token's pod is gone").asException();
    }
    OwnerReference owner = controller(pod.getMetadata().getOwnerReferences());
    if (owner == null) {
      throw Status.PERMISSION_DENIED.withDescription("the token's pod does not run a Build").asException();
    }
    GenericKubernetesResource b = client.genericKubernetesResources(BUILD_API, "Build").inNamespace(namespace)
        .withName(owner.getName()).get();
    if (b == null || !owner.getUid().equals(b.getMetadata().getUid())) {
      throw Status.PERMISSION_DENIED.withDescription("the pod's Build is gone").asException();
    }
    return new RunnerIdentity(namespace, owner.getName(), storageScope(b), jobJson(b));
  }

  private RunnerIdentity buildToken(String token, String build) throws StatusException {
    String[] p = build.split("/", -1);
    if (p.length != 2 || p[0].isBlank() || p[1].isBlank()) {
      throw Status.UNAUTHENTICATED.withDescription("x-circlet-build is namespace/build").asException();
    }
    Secret secret = client.secrets().inNamespace(p[0]).withName(p[1] + "-agent").get();
    String expected = secret == null || secret.getData() == null ? null : secret.getData().get("token");
    boolean owned = secret != null && secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> "Build".equals(o.getKind()) && p[1].equals(o.getName()));
    byte[] want = expected == null ? new byte[32] : Base64.getDecoder().decode(expected);
    boolean equal = MessageDigest.isEqual(want, token.getBytes(StandardCharsets.UTF_8));
    if (expected == null || !owned || !equal) {
      throw Status.UNAUTHENTICATED.withDescription("wrong build token").asException();
    }
    return new RunnerIdentity(p[0], p[1], null, null);
  }

  static OwnerReference controller(List<OwnerReference> refs) {
    if (refs == null) {
      return null;
    }
    return refs.stream().filter(o -> Boolean.TRUE.equals(o.getController()) && "Build".equals(o.getKind())
        && BUILD_API.equals(o.getApiVersion())).findFirst().orElse(null);
  }

  /**
   * The Build's storage scope, computed exactly as the operator writes it into job.json. The
   * organization is trusted here: the operator creates a pod only for a Build whose organization
   * its namespace is bound to, and this identity requires a live pod controlled by the Build.
   */
  static String storageScope(GenericKubernetesResource b) {
    Object spec = b.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> m) || m.get("organization") == null) {
      return null;
    }
    Object pipeline = m.get("pipeline");
    return StorageScope.of(m.get("organization").toString(), b.getMetadata().getNamespace(),
        pipeline == null ? null : pipeline.toString());
  }

  /** job.json as the agent reads it, built from the Build's spec (the same fields its Secret holds). */
  @SuppressWarnings("unchecked")
  static String jobJson(GenericKubernetesResource b) {
    Map<String, Object> spec = (Map<String, Object>) b.getAdditionalProperties().getOrDefault("spec", Map.of());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("build", b.getMetadata().getName());
    doc.put("job", spec.get("job"));
    doc.put("trigger", spec.getOrDefault("trigger", Map.of()));
    doc.put("parallelIndex", spec.getOrDefault("parallelIndex", 0));
    doc.put("parallelTotal", spec.getOrDefault("parallelTotal", 1));
    Optional.ofNullable(spec.get("upstreamJobs")).ifPresent(u -> doc.put("upstreamJobs", u));
    Optional.ofNullable(storageScope(b)).ifPresent(u -> doc.put("storageScope", u));
    try {
      return JSON.writeValueAsString(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String first(List<String> l) {
    return l == null || l.isEmpty() ? null : l.get(0);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
