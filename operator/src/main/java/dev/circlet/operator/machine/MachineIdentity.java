package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * The build identity of a machine-executor VM, the counterpart of a build pod's projected token.
 * A VM has no pod, so the kubelet cannot project a token into it: the operator asks the
 * TokenRequest API itself for a token of the machine ServiceAccount (no RBAC rights), with the
 * runner audience, bound to a Secret that exists exactly as long as the VM's job: {@code
 * <vmi>-id-<build uid>} in the VMs' namespace, owned by the VMI, holding nothing. The gateway maps
 * the token to the Build through that Secret's name (the VM, and the Build that must hold it);
 * deleting the VM deletes the Secret and the API server stops accepting the token.
 *
 * <p>The token's lifetime covers the Build's timeout plus the pool's boot timeout, so the job never
 * outlives it and nothing in the VM refreshes it; it dies earlier with the VM.
 *
 * @param gateway the runner API the VM's agent streams to ({@code host:port})
 */
public record MachineIdentity(KubernetesClient client, String serviceAccount, String audience, String gateway,
    boolean gatewayPlaintext) {
  /** The ServiceAccount of VMs' tokens; it needs no RBAC (the audience is Circlet's alone). */
  public static final String DEFAULT_SERVICE_ACCOUNT = "circlet-machine";
  /** Between the VM's name and the Build's uid in the identity Secret's name. */
  public static final String SECRET_INFIX = "-id-";
  /** The shortest lifetime the TokenRequest API issues. */
  static final long MIN_SECONDS = 600;

  /** The identity Secret of the VM for the Build. */
  public static String secretName(String vmi, String buildUid) {
    return vmi + SECRET_INFIX + buildUid;
  }

  /**
   * The lifetime to ask for: the Build's timeout (default one hour) plus the pool's boot timeout
   * and ten minutes for the output to drain, never below the API's minimum.
   */
  public static long lifetimeSeconds(Long buildTimeoutSeconds, Long bootTimeoutSeconds) {
    long job = buildTimeoutSeconds == null || buildTimeoutSeconds <= 0 ? 3600 : buildTimeoutSeconds;
    long boot = bootTimeoutSeconds == null || bootTimeoutSeconds <= 0 ? 600 : bootTimeoutSeconds;
    return Math.max(MIN_SECONDS, job + boot + 600);
  }

  /**
   * A token for the Build on the VM: creates the VM's identity Secret (or finds it, after an
   * earlier attempt) and requests a token bound to it.
   */
  public String issue(VirtualMachineInstance vmi, String buildUid, long lifetimeSeconds) {
    String ns = vmi.getMetadata().getNamespace();
    String name = secretName(vmi.getMetadata().getName(), buildUid);
    Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .addToLabels(CircletApi.LABEL_MANAGED_BY, CircletApi.MANAGER)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("kubevirt.io/v1")
            .withKind("VirtualMachineInstance").withName(vmi.getMetadata().getName())
            .withUid(vmi.getMetadata().getUid()).withController(true).build())
        .endMetadata().withType("Opaque").withImmutable(true).build();
    Secret bound;
    try {
      bound = client.secrets().inNamespace(ns).resource(secret).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      bound = client.secrets().inNamespace(ns).withName(name).get();
      if (bound == null) {
        throw new IllegalStateException("the identity Secret " + ns + "/" + name + " vanished while it was created");
      }
    }
    return client.serviceAccounts().inNamespace(ns).withName(serviceAccount).tokenRequest(new TokenRequestBuilder()
        .withNewSpec().withAudiences(audience).withExpirationSeconds(lifetimeSeconds)
        .withNewBoundObjectRef().withApiVersion("v1").withKind("Secret").withName(name)
        .withUid(bound.getMetadata().getUid()).endBoundObjectRef().endSpec().build()).getStatus().getToken();
  }
}
