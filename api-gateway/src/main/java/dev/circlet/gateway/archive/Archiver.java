package dev.circlet.gateway.archive;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.Workflow;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.circlet.gateway.kube.Watches;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies every Workflow and Build the gateway can see into the archive as it changes, so the
 * operator's retention may delete finished resources while their history stays queryable. Rows are
 * upserted by UID; the informers' periodic resync rewrites every live object, which also repairs
 * rows missed while PostgreSQL was unreachable. The operator never waits on any of this.
 */
public final class Archiver implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Archiver.class.getName());

  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /** Watches {@code namespaces} (all namespaces when empty). */
  public Archiver(KubernetesClient client, ArchiveStore store, List<String> namespaces, Duration resync) {
    this(client, store, namespaces, resync, w -> { });
  }

  /**
   * Watches {@code namespaces} (all namespaces when empty) and hands every live Workflow, once
   * archived, to {@code workflows} (where setup runs that finished without continuing end).
   */
  public Archiver(KubernetesClient client, ArchiveStore store, List<String> namespaces, Duration resync,
      Consumer<Workflow> workflows) {
    long resyncMs = resync.toMillis();
    BiConsumer<Workflow, Boolean> wf = (w, deleted) -> {
      store.upsertWorkflow(w.getMetadata().getUid(), ArchiveViews.workflow(w), deleted);
      if (!deleted) {
        workflows.accept(w);
      }
    };
    BiConsumer<Build, Boolean> b = (x, deleted) ->
        store.upsertBuild(x.getMetadata().getUid(), ArchiveViews.build(x), deleted);
    Watches.of(client, Workflow.class, namespaces, resyncMs).forEach(i -> informers.add(watch(i, wf)));
    Watches.of(client, Build.class, namespaces, resyncMs).forEach(i -> informers.add(watch(i, b)));
  }

  /** Starts the informers without waiting for their first list (the gateway serves meanwhile). */
  public Archiver start() {
    informers.forEach(SharedIndexInformer::start);
    return this;
  }

  /** Whether every informer has listed its objects once. */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  private static <T extends HasMetadata> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer,
      BiConsumer<T, Boolean> archive) {
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        write(obj, false);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        write(newObj, false);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        write(obj, true);
      }

      private void write(T obj, boolean deleted) {
        try {
          archive.accept(obj, deleted);
        } catch (RuntimeException e) {
          // The next resync writes it again; one unreachable database must not stop the informer.
          LOG.log(Level.WARNING, "archiving " + obj.getKind() + " " + obj.getMetadata().getNamespace() + "/"
              + obj.getMetadata().getName() + " failed; the next resync retries", e);
        }
      }
    });
    return informer;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
