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

  /**
   * A machine-executor VM's token: issued by the operator for the ServiceAccount of VMs, bound to
   * the per-job Secret {@code <vmi>-id-<build uid>} in the VMs' namespace (the Secret dies with
   * the VM, and the token with it).
   */
  public record BoundMachine(String namespace, String vmi, String buildUid, String secretUid) {}

  /** Suffix of a VM's identity Secret before the Build's uid: {@code <vmi>-id-<build uid>}. */
  public static final String MACHINE_SECRET_INFIX = "-id-";
  /** The VMI label naming the Build that holds the VM (the operator's claim). */
  static final String CLAIMED_BY = "ci.circlet.dev/claimed-by";
  /** The VMI annotation naming that Build as {@code namespace/name}. */
  static final String CLAIMED_BUILD = "ci.circlet.dev/claimed-build";
  static final String VMI_API = "kubevirt.io/v1";

  private RunnerIdentityRules() {}

  /**
   * The pod a TokenReview's answer names. UNAUTHENTICATED when the API server did not accept the
   * token for {@code audience} (wrong audience, expired, revoked, its pod gone, garbage);
   * PERMISSION_DENIED when it is valid but no pod-bound ServiceAccount token.
   */
  public static BoundPod boundPod(TokenReviewStatus s, String audience) throws StatusException {
    Object b = bound(s, audience, null, null);
    return (BoundPod) b;
  }

  /**
   * What a reviewed token is bound to: a {@link BoundPod}, or, for a token of the machine
   * ServiceAccount {@code machineAccount} bound to a VM's identity Secret, a {@link BoundMachine}.
   * The Secret's name and uid are read from the token's claims, which the API server has just
   * verified (signature, expiry, audience, and that the bound Secret still exists with that uid).
   */
  public static Object bound(TokenReviewStatus s, String audience, String machineAccount, String token)
      throws StatusException {
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
    if ((podName == null || podUid == null) && machineAccount != null && machineAccount.equals(parts[3])
        && token != null) {
      return boundMachine(parts[2], JwtClaims.boundSecret(token).orElse(null));
    }
    if (podName == null || podUid == null) {
      throw Status.PERMISSION_DENIED.withDescription("the token is not bound to a pod").asException();
    }
    return new BoundPod(parts[2], podName, podUid);
  }

  static BoundMachine boundMachine(String namespace, String[] secret) throws StatusException {
    if (secret == null) {
      throw Status.PERMISSION_DENIED.withDescription("the machine token is not bound to a VM's identity Secret")
          .asException();
    }
    int at = secret[0].lastIndexOf(MACHINE_SECRET_INFIX);
    if (at <= 0 || at + MACHINE_SECRET_INFIX.length() >= secret[0].length()) {
      throw Status.PERMISSION_DENIED.withDescription("the machine token is bound to a Secret that names no VM")
          .asException();
    }
    return new BoundMachine(namespace, secret[0].substring(0, at), secret[0].substring(at + MACHINE_SECRET_INFIX.length()),
        secret[1]);
  }

  /**
   * The identity of a VM's token: the VMI still exists (not being deleted) and is claimed by the
   * Build whose uid the identity Secret names; that Build exists with the uid and its status names
   * this VM (when it names one yet). The storage scope comes from the Build, as for pods.
   */
  @SuppressWarnings("unchecked")
  public static RunnerIdentity machineIdentity(BoundMachine bound, GenericKubernetesResource vmi,
      java.util.function.BiFunction<String, String, GenericKubernetesResource> builds) throws StatusException {
    if (vmi == null || vmi.getMetadata() == null || vmi.getMetadata().getDeletionTimestamp() != null
        || !bound.namespace().equals(vmi.getMetadata().getNamespace())) {
      throw Status.PERMISSION_DENIED.withDescription("the token's VM is gone").asException();
    }
    Map<String, String> labels = vmi.getMetadata().getLabels() == null ? Map.of() : vmi.getMetadata().getLabels();
    Map<String, String> notes = vmi.getMetadata().getAnnotations() == null ? Map.of()
        : vmi.getMetadata().getAnnotations();
    String claimed = notes.get(CLAIMED_BUILD);
    if (!bound.buildUid().equals(labels.get(CLAIMED_BY)) || claimed == null || claimed.indexOf('/') <= 0) {
      throw Status.PERMISSION_DENIED.withDescription("the token's VM is not held by its Build").asException();
    }
    String ns = claimed.substring(0, claimed.indexOf('/'));
    String name = claimed.substring(claimed.indexOf('/') + 1);
    GenericKubernetesResource build = builds.apply(ns, name);
    if (build == null || build.getMetadata() == null || !bound.buildUid().equals(build.getMetadata().getUid())) {
      throw Status.PERMISSION_DENIED.withDescription("the VM's Build is gone").asException();
    }
    Object status = build.getAdditionalProperties().get("status");
    Object machine = status instanceof Map<?, ?> m ? m.get("machineName") : null;
    if (machine != null && !machine.toString().equals(bound.vmi())) {
      throw Status.PERMISSION_DENIED.withDescription("the token's VM is not the Build's current VM").asException();
    }
    return new RunnerIdentity(ns, name, storageScope(build), null);
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
