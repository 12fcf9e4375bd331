package dev.circlet.operator.runtime;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the operator's informer caches keep of each object: only what a reconciler reads, so that
 * 10,000 Builds and their pods fit a small heap. Each function trims the object the informer has
 * just decoded (it belongs to the cache alone) and returns it.
 *
 * <p>Never kept: {@code metadata.managedFields} (the API server's field ownership, often larger
 * than the spec; an update without it keeps the server's). Builds: a finished Build's compiled
 * job and trigger, which nothing reads once it ended (its reconcile only releases its slot and
 * schedules its retention). Build pods: the spec except {@code nodeName}, and the
 * {@code ci.circlet.dev/job} annotation (the agent's job.json, up to 240 KiB); the operator reads a
 * pod's owner references, deletion, node and status. A Workflow's Builds: owner references,
 * labels, {@code spec.cancel} and the phase, all its reconciler reads of them.
 */
public final class CacheTrimming {
  private CacheTrimming() {}

  /** An item store applying {@code trim} to every object the informer stores. */
  /**
   * Whether an informer over {@code namespaces} may have an item store of its own. JOSDK gives the
   * one store of a configuration to the informer of every namespace it watches, and each
   * informer's list then drops the other namespaces' objects from it (a relist keeps only the keys
   * it listed): with {@code circlet.namespaces} naming several namespaces, Builds of all but one
   * namespace were never reconciled and running Builds lost their pods from the cache
   * ({@code PodLost}). Watching all namespaces, or one, is a single informer.
   */
  public static boolean ownStore(java.util.Set<String> namespaces) {
    return namespaces == null || namespaces.size() <= 1;
  }

  /** {@link #store} when {@link #ownStore} allows one for these namespaces, else null (the informer's default store). */
  public static <R extends HasMetadata> TransformingItemStore<R> storeFor(java.util.Set<String> namespaces,
      UnaryOperator<R> trim) {
    return ownStore(namespaces) ? store(trim) : null;
  }

  public static <R extends HasMetadata> TransformingItemStore<R> store(UnaryOperator<R> trim) {
    return new TransformingItemStore<>(trim);
  }

  /** Any object: without its managed fields. */
  public static <R extends HasMetadata> R withoutManagedFields(R resource) {
    if (resource.getMetadata() != null) {
      resource.getMetadata().setManagedFields(null);
    }
    return resource;
  }

  /** A Build as the Build reconciler's cache keeps it. */
  public static Build build(Build build) {
    withoutManagedFields(build);
    BuildStatus status = build.getStatus();
    BuildSpec spec = build.getSpec();
    if (spec != null && status != null && status.phase != null && status.phase.isTerminal()) {
      spec.job = null;
      spec.trigger = null;
      spec.upstreamJobs = null;
    }
    return build;
  }

  /** A Build as the Workflow reconciler's cache keeps it: ownership, labels, cancel and phase. */
  public static Build workflowBuild(Build build) {
    withoutManagedFields(build);
    if (build.getMetadata() != null) {
      build.getMetadata().setAnnotations(null);
    }
    BuildSpec spec = build.getSpec();
    if (spec != null) {
      BuildSpec kept = new BuildSpec();
      kept.organization = spec.organization;
      kept.parallelIndex = spec.parallelIndex;
      kept.parallelTotal = spec.parallelTotal;
      kept.cancel = spec.cancel;
      kept.trigger = null;
      build.setSpec(kept);
    }
    BuildStatus status = build.getStatus();
    if (status != null) {
      BuildStatus kept = new BuildStatus();
      kept.phase = status.phase;
      kept.conditions = null;
      build.setStatus(kept);
    }
    return build;
  }

  /** A build pod as the Build reconciler's cache keeps it: metadata, node and status. */
  public static Pod pod(Pod pod) {
    withoutManagedFields(pod);
    Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(CircletApi.ANNOTATION_JOB)) {
      Map<String, String> kept = new java.util.LinkedHashMap<>(annotations);
      kept.remove(CircletApi.ANNOTATION_JOB);
      pod.getMetadata().setAnnotations(kept);
    }
    if (pod.getSpec() != null) {
      PodSpec kept = new PodSpec();
      kept.setNodeName(pod.getSpec().getNodeName());
      pod.setSpec(kept);
    }
    return pod;
  }
}
