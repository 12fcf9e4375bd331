package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.operator.metrics.CircletMetrics;
import dev.circlet.operator.pod.AgentJobFile;
import dev.circlet.operator.pod.BuildPodFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;

/**
 * Creates a Build's pod — its only child: job.json rides in the pod's annotation and the build
 * identity is a projected token — create-only, adopting an existing pod that is the Build's own
 * when a create meets {@code AlreadyExists}; stops the pod, and removes the pod of a lost node.
 */
final class BuildLauncher {
  /** A child with the Build's name exists and belongs to something else. */
  static final class ForeignChildException extends RuntimeException {
    ForeignChildException(String message) {
      super(message);
    }
  }

  /** Reason of a Build whose pod the factory or the API server refuses. */
  static final String REASON_REJECTED = "PodRejected";

  /** Reason of a Build whose pod name is taken by a pod that is not the Build's. */
  static final String REASON_NAME_TAKEN = "PodNameTaken";

  /** The outcome of a launch: the Build's pod, or why the Build cannot have one (then it fails). */
  record Launch(Pod pod, String reason, String failure) {
    static Launch failed(String reason, String failure) {
      return new Launch(null, reason, failure);
    }
  }

  private final KubernetesClient client;
  private final BuildPodFactory factory;
  private final CircletMetrics metrics;

  BuildLauncher(KubernetesClient client, BuildPodFactory factory, CircletMetrics metrics) {
    this.client = client;
    this.factory = factory;
    this.metrics = metrics;
  }

  /**
   * Why the factory cannot write this Build's pod (a root user under restricted, a job.json too
   * large for the pod's annotation, …) as a failed launch; null when it can.
   */
  Launch rejection(Build build, ResourceClass resourceClass, String cloneSecretName, List<String> contextSecrets) {
    try {
      factory.pod(build, resourceClass, cloneSecretName, contextSecrets);
      return null;
    } catch (IllegalArgumentException e) {
      return refused(e);
    }
  }

  private static Launch refused(IllegalArgumentException e) {
    return Launch.failed(e instanceof AgentJobFile.TooLargeException
        ? AgentJobFile.REASON_TOO_LARGE : REASON_REJECTED, e.getMessage());
  }

  /**
   * Makes sure the Pod exists.
   *
   * @param existing the pod the cache shows for this Build, or null
   * @return the Build's pod, created or adopted; or why it cannot have one, which no retry changes
   */
  Launch launch(
      Build build,
      ResourceClass resourceClass,
      String cloneSecretName,
      List<String> contextSecrets,
      Pod existing,
      Context<Build> context,
      InformerEventSource<Pod, Build> pods) {
    if (existing != null && BuildPodFactory.isOurs(existing, build)) {
      return new Launch(existing, null, null);
    }
    Pod desired;
    try {
      desired = factory.pod(build, resourceClass, cloneSecretName, contextSecrets);
    } catch (IllegalArgumentException e) {
      return refused(e);
    }
    try {
      return new Launch(createPod(build, desired, context, pods), null, null);
    } catch (ForeignChildException e) {
      return Launch.failed(REASON_NAME_TAKEN, e.getMessage());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HTTP_UNPROCESSABLE) {
        // The API server found the pod invalid: no retry makes it valid.
        return Launch.failed(REASON_REJECTED, "the API server refused the pod: " + serverMessage(e));
      }
      throw e;
    }
  }

  private static final int HTTP_UNPROCESSABLE = 422;

  private static String serverMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }

  private Pod createPod(Build build, Pod desired, Context<Build> context, InformerEventSource<Pod, Build> pods) {
    long start = System.nanoTime();
    try {
      Pod created = context.resourceOperations().create(desired, pods);
      metrics.podCreated(Duration.ofNanos(System.nanoTime() - start));
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      Pod found = client.pods().inNamespace(desired.getMetadata().getNamespace())
          .withName(desired.getMetadata().getName()).get();
      if (found == null) {
        throw e;
      }
      if (!BuildPodFactory.isOurs(found, build)) {
        throw new ForeignChildException(
            "pod " + desired.getMetadata().getName() + " exists and does not belong to this Build");
      }
      return found;
    }
  }

  /** Deletes the Build's pod (cancel, timeout); the kubelet stops it with its grace period. */
  void stop(Pod pod) {
    if (pod == null) {
      return;
    }
    client.pods().inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName()).delete();
  }

  /**
   * Deletes the pod at once (grace period 0): its node is lost, so no kubelet will stop the
   * containers or finish a graceful deletion, and the pod would otherwise stay for ever.
   */
  void forceDelete(Pod pod) {
    if (pod == null) {
      return;
    }
    client.pods().inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
  }
}
