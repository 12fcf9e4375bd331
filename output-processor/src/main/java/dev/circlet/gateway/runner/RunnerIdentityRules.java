package dev.circlet.gateway.runner;

import dev.circlet.api.naming.Names;
import dev.circlet.api.naming.StorageScope;
import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decisions of the runner identity, without I/O: what a TokenReview must say, which pod it
 * names, and when that pod proves a Build. A token proves a Build only when the API server
 * authenticated it for Circlet's audience, it is bound to a pod that still exists with that uid,
 * the pod is controlled by the Build (owner reference with the Build's uid) and it is the Build's
 * current pod (its name, and the pod the Build's status names).
 */
public final class RunnerIdentityRules {
  static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  static final String POD_UID = "authentication.kubernetes.io/pod-uid";
  static final String BUILD_API = CircletApi.API_VERSION;
  private static final String SA_PREFIX = "system:serviceaccount:";

  /** The pod a reviewed token is bound to. */
  public record BoundPod(String namespace, String name, String uid) {}

  private RunnerIdentityRules() {}

  /**
   * The pod a TokenReview's answer names. UNAUTHENTICATED when the API server did not accept the
   * token for {@code audience} (wrong audience, expired, revoked, its pod gone, garbage);
   * PERMISSION_DENIED when it is valid but no pod-bound ServiceAccount token.
   */
  public static BoundPod boundPod(TokenReviewStatus s, String audience) throws StatusException {
    if (s == null || !Boolean.TRUE.equals(s.getAuthenticated())
        || s.getAudiences() == null || !s.getAudiences().contains(audience)) {
      throw Status.UNAUTHENTICATED.withDescription("the token is not valid for audience " + audience).asException();
    }
    String user = s.getUser() == null || s.getUser().getUsername() == null ? "" : s.getUser().getUsername();
    String[] parts = user.split(":");
    if (!user.startsWith(SA_PREFIX) || parts.length != 4 || parts[2].isEmpty()) {
      throw Status.PERMISSION_DENIED.withDescription("not a ServiceAccount token").asException();
    }
    Map<String, List<String>> extra = s.getUser().getExtra() == null ? Map.of() : s.getUser().getExtra();
    String podName = first(extra.get(POD_NAME));
    String podUid = first(extra.get(POD_UID));
    if (podName == null || podUid == null) {
      throw Status.PERMISSION_DENIED.withDescription("the token is not bound to a pod").asException();
    }
    return new BoundPod(parts[2], podName, podUid);
  }

  /**
   * The Build the bound pod claims: its controller owner reference of kind Build. PERMISSION_DENIED
   * when the pod is gone, was replaced (another uid) or runs no Build.
   */
  public static OwnerReference owner(BoundPod bound, Pod pod) throws StatusException {
    if (pod == null || pod.getMetadata() == null || !bound.uid().equals(pod.getMetadata().getUid())
        || !bound.namespace().equals(pod.getMetadata().getNamespace())) {
      throw Status.PERMISSION_DENIED.withDescription("the token's pod is gone").asException();
    }
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    OwnerReference owner = refs == null ? null : refs.stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()) && "Build".equals(o.getKind())
            && BUILD_API.equals(o.getApiVersion()) && o.getName() != null && o.getUid() != null)
        .findFirst().orElse(null);
    if (owner == null) {
      throw Status.PERMISSION_DENIED.withDescription("the token's pod does not run a Build").asException();
    }
    return owner;
  }

  /**
   * The identity: the Build exists with the owner reference's uid, the pod carries the Build's pod
   * name and is the pod the Build's status names (when it names one yet). job.json is the pod's
   * annotation, written by the operator; the storage scope comes from the Build itself.
   */
  public static RunnerIdentity identity(BoundPod bound, Pod pod, OwnerReference owner, GenericKubernetesResource build)
      throws StatusException {
    if (build == null || build.getMetadata() == null || !owner.getUid().equals(build.getMetadata().getUid())) {
      throw Status.PERMISSION_DENIED.withDescription("the pod's Build is gone").asException();
    }
    String buildName = build.getMetadata().getName();
    String current = statusPodName(build);
    if (!Names.pod(buildName).equals(bound.name()) || (current != null && !current.equals(bound.name()))) {
      throw Status.PERMISSION_DENIED.withDescription("the token's pod is not the Build's current pod").asException();
    }
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String jobJson = annotations == null ? null : annotations.get(CircletApi.ANNOTATION_JOB);
    return new RunnerIdentity(bound.namespace(), buildName, storageScope(build), jobJson);
  }

  /**
   * The Build's storage scope, computed exactly as the operator writes it into job.json. The
   * organization is trusted here: the operator creates a pod only for a Build whose organization
   * its namespace is bound to, and this identity requires the Build's live, current pod.
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

  private static String statusPodName(GenericKubernetesResource b) {
    Object status = b.getAdditionalProperties().get("status");
    if (status instanceof Map<?, ?> m && m.get("podName") != null) {
      return Objects.toString(m.get("podName"));
    }
    return null;
  }

  private static String first(List<String> l) {
    return l == null || l.isEmpty() ? null : l.get(0);
  }
}
