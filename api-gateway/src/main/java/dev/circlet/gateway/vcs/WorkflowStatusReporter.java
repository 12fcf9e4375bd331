package dev.circlet.gateway.vcs;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches Workflows and reports each change of a Workflow's state (pending, success, failure,
 * canceled) as a commit status, with the credentials of the Secret its Pipeline names in
 * {@code spec.repository.statusSecretRef}. Calls run on a few lanes, one Workflow always on the same
 * lane, so a Workflow's statuses reach the VCS in order while one slow API does not hold up others'
 * lanes. Workflows that finished before the reporter started are not reported again.
 */
public final class WorkflowStatusReporter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WorkflowStatusReporter.class.getName());

  private final KubernetesClient client;
  private final StatusSender sender;
  private final String targetUrl;
  private final Instant since;
  private final ExecutorService[] lanes;
  private final Map<String, CommitStatus.State> reported = new ConcurrentHashMap<>();
  private SharedIndexInformer<Workflow> informer;

  /**
   * @param grace Workflows that finished less than this before the start are still reported (their
   *     last change may have happened while no gateway was watching)
   */
  public WorkflowStatusReporter(KubernetesClient client, StatusSender sender, String targetUrl, int lanes,
      Clock clock, Duration grace) {
    this.client = client;
    this.sender = sender;
    this.targetUrl = targetUrl;
    this.since = clock.instant().minus(grace);
    this.lanes = new ExecutorService[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "circlet-commit-status");
        t.setDaemon(true);
        return t;
      });
    }
  }

  public WorkflowStatusReporter start() {
    informer = client.resources(Workflow.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Workflow wf) {
        changed(wf, true);
      }

      @Override
      public void onUpdate(Workflow old, Workflow wf) {
        changed(wf, false);
      }

      @Override
      public void onDelete(Workflow wf, boolean unknownFinalState) {
        if (wf.getMetadata().getUid() != null) {
          reported.remove(wf.getMetadata().getUid());
        }
      }
    }, 0);
    return this;
  }

  private void changed(Workflow wf, boolean added) {
    String uid = wf.getMetadata().getUid();
    if (uid == null || wf.getSpec() == null) {
      return;
    }
    var phase = wf.getStatus() == null ? null : wf.getStatus().phase;
    if (added && phase != null && phase.isTerminal() && finishedBefore(wf, since)) {
      reported.put(uid, CommitStatus.State.of(phase));
      return;
    }
    CommitStatus.State state = CommitStatus.State.of(phase);
    if (state == reported.put(uid, state)) {
      return;
    }
    lanes[Math.floorMod(uid.hashCode(), lanes.length)].execute(() -> report(wf, state));
  }

  private static boolean finishedBefore(Workflow wf, Instant since) {
    String finished = wf.getStatus().finishedAt;
    try {
      return finished == null || Instant.parse(finished).isBefore(since);
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  private void report(Workflow wf, CommitStatus.State state) {
    String ns = wf.getMetadata().getNamespace();
    try {
      Pipeline p = client.resources(Pipeline.class).inNamespace(ns).withName(wf.getSpec().pipeline).get();
      String ref = p == null || p.getSpec() == null || p.getSpec().repository == null ? null
          : p.getSpec().repository.statusSecretRef;
      if (ref == null || ref.isBlank()) {
        return;
      }
      CommitStatus status = WorkflowStatuses.of(wf, p, state, targetUrl);
      if (status == null) {
        return;
      }
      Secret secret = client.secrets().inNamespace(ns).withName(ref).get();
      if (secret == null) {
        LOG.warning("commit status of " + ns + "/" + wf.getMetadata().getName() + " not sent: no Secret " + ns + "/"
            + ref);
        return;
      }
      sender.send(status, WorkflowStatuses.credentials(ns, ref, secret.getData()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "commit status of " + ns + "/" + wf.getMetadata().getName() + " not sent: " + e);
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    for (ExecutorService lane : lanes) {
      lane.shutdownNow();
    }
  }
}
