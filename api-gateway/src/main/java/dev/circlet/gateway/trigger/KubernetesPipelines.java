package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.circlet.gateway.kube.Watches;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;

/**
 * The cluster side of triggers: Pipelines from an informer indexed by normalised repository URL,
 * and Workflow creation that adopts an existing Workflow only when it carries the same run key.
 */
public final class KubernetesPipelines implements PipelineCatalog, WorkflowSink, AutoCloseable {
  private static final String BY_REPOSITORY = "repository";

  private final KubernetesClient client;
  private final List<SharedIndexInformer<Pipeline>> informers;

  /** Pipelines of every namespace (cluster-wide RBAC). */
  public KubernetesPipelines(KubernetesClient client) {
    this(client, List.of());
  }

  /** Pipelines of {@code namespaces} only (all when empty): the gateway's RBAC covers just those. */
  public KubernetesPipelines(KubernetesClient client, List<String> namespaces) {
    this.client = client;
    this.informers = Watches.of(client, Pipeline.class, namespaces, 0);
    for (SharedIndexInformer<Pipeline> informer : informers) {
      informer.addIndexers(Map.of(BY_REPOSITORY, p -> {
        if (p.getSpec() == null || p.getSpec().repository == null || p.getSpec().repository.url == null) {
          return List.of();
        }
        try {
          return List.of(RepositoryUrls.normalise(p.getSpec().repository.url));
        } catch (IllegalArgumentException e) {
          return List.of();
        }
      }));
      informer.run();
    }
  }

  @Override
  public List<Pipeline> forRepository(String normalisedUrl) {
    return informers.stream().flatMap(i -> i.getIndexer().byIndex(BY_REPOSITORY, normalisedUrl).stream()).toList();
  }

  /** Read from the API server, not the informer: a Pipeline created a moment ago is found. */
  @Override
  public Pipeline named(String namespace, String name) {
    return client.resources(Pipeline.class).inNamespace(namespace).withName(name).get();
  }

  /** Every Pipeline the informer holds (for webhook secrets and schedules). */
  public List<Pipeline> all() {
    return informers.stream().flatMap(i -> i.getStore().list().stream()).toList();
  }

  @Override
  public void createOrAdopt(Workflow workflow) {
    try {
      client.resource(workflow).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      Workflow existing = client.resources(Workflow.class).inNamespace(workflow.getMetadata().getNamespace())
          .withName(workflow.getMetadata().getName()).get();
      String want = workflow.getMetadata().getAnnotations().get(RunPlanner.RUN_KEY);
      String have = existing == null ? null : existing.getMetadata().getAnnotations() == null ? null
          : existing.getMetadata().getAnnotations().get(RunPlanner.RUN_KEY);
      if (existing == null) {
        throw e; // deleted between create and get: the retry creates it
      }
      if (!want.equals(have)) {
        throw new WorkflowConflictException("Workflow " + workflow.getMetadata().getNamespace() + "/"
            + workflow.getMetadata().getName() + " exists and belongs to another run (" + have + ")");
      }
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
