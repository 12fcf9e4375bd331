package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.operator.admission.AdmissionQueue;
import dev.circlet.operator.admission.AdmissionQueue.Candidate;
import dev.circlet.operator.admission.AdmissionQueue.OrgPlan;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs admission over the shared {@link AdmissionQueue}: one pass at a time, never before the
 * slots already held have been rebuilt from the cluster, and wakes the Builds a pass admits.
 *
 * <p>A pass runs inline when a Build reconcile asks for it (so a Build admitted at once is
 * launched in the same reconcile) or on the admission thread when capacity frees up.
 */
public final class BuildAdmission implements AutoCloseable {
  private final AdmissionQueue queue;
  private final Integer clusterMaxBuilds;
  private final Set<String> holders = ConcurrentHashMap.newKeySet();
  private final Set<String> grants = ConcurrentHashMap.newKeySet();
  private final ExecutorService loop =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("circlet-admission").factory());
  private final AtomicBoolean passRequested = new AtomicBoolean();
  private volatile boolean seeded;
  private volatile Consumer<ResourceID> buildWaker = id -> {};
  private volatile Consumer<String> organizationChanged = org -> {};

  /**
   * @param clusterMaxBuilds most Builds holding a slot across the cluster; null for no cap
   */
  public BuildAdmission(AdmissionQueue queue, Integer clusterMaxBuilds) {
    this.queue = queue;
    this.clusterMaxBuilds = clusterMaxBuilds;
  }

  public AdmissionQueue queue() {
    return queue;
  }

  /** Where admitted Builds are woken (the Build controller's inbound event source). */
  public void onAdmitted(Consumer<ResourceID> waker) {
    this.buildWaker = waker;
  }

  /** Where a change of an organization's running/queued counts is announced. */
  public void onOrganizationChanged(Consumer<String> listener) {
    this.organizationChanged = listener;
  }

  /** The Build's {@code serial-group} key, or null. */
  public static String serialGroup(Build build) {
    return build.getSpec() == null || build.getSpec().job == null ? null : build.getSpec().job.serialGroup;
  }

  public static String key(Build build) {
    return build.getMetadata().getNamespace() + "/" + build.getMetadata().getName();
  }

  static ResourceID resourceId(String key) {
    int slash = key.indexOf('/');
    return new ResourceID(key.substring(slash + 1), key.substring(0, slash));
  }

  /**
   * Rebuilds the held slots from the Builds the operator finds (after a restart or a leadership
   * change) and only then allows admission. Queued Builds enqueue themselves when reconciled.
   *
   * @param hasPod whether a Build already has a pod, which holds a slot whatever its status says
   */
  public void seedOnce(Iterable<Build> builds, Predicate<Build> hasPod) {
    if (seeded) {
      return;
    }
    seed(builds, hasPod);
  }

  private synchronized void seed(Iterable<Build> builds, Predicate<Build> hasPod) {
    if (seeded) {
      return;
    }
    for (Build b : builds) {
      BuildPhase phase = b.getStatus() == null ? null : b.getStatus().phase;
      if (phase != null && phase.isTerminal()) {
        continue;
      }
      if ((phase != null && phase.holdsCapacity()) || hasPod.test(b)) {
        hold(key(b), b.getSpec().organization, serialGroup(b));
      }
    }
    seeded = true;
    requestPass();
  }

  public boolean seeded() {
    return seeded;
  }

  public synchronized void upsertOrganization(OrgPlan plan) {
    queue.upsertOrganization(plan);
  }

  public synchronized void removeOrganization(String name) {
    queue.removeOrganization(name);
  }

  /** Queues a Build; false when its organization's queue is full. */
  public synchronized boolean offer(Candidate candidate) {
    boolean accepted = queue.enqueue(candidate);
    organizationChanged.accept(candidate.organization());
    return accepted;
  }

  /**
   * Runs a pass now and says whether {@code key} holds a grant. Other Builds admitted by the pass
   * are woken; the caller launches its own Build in the reconcile it is running.
   */
  public synchronized boolean admitNow(String key) {
    pass(key);
    return grants.contains(key);
  }

  /** Whether admission granted this Build a slot that its status does not record yet. */
  public boolean granted(String key) {
    return grants.contains(key);
  }

  /** The Build's status now records Admitted (or later): the grant is spent. */
  public void grantRecorded(String key) {
    grants.remove(key);
  }

  /** Records a slot held by a Build observed Admitted or Running. Idempotent. */
  public synchronized void hold(String key, String organization, String serialGroup) {
    queue.markHolding(key, organization, serialGroup);
    holders.add(key);
  }

  /** Forgets a Build that ended or was deleted, freeing its slot, and admits the next ones. */
  public void forget(String key, String organization) {
    boolean changed;
    synchronized (this) {
      // A queued Build leaving can free the head of its serial group, so it asks for a pass too.
      changed = holders.remove(key) | grants.remove(key) | queue.remove(key);
    }
    if (organization != null) {
      organizationChanged.accept(organization);
    }
    if (changed) {
      requestPass();
    }
  }

  public Optional<String> waitingReason(String key) {
    return queue.waitingReason(key);
  }

  public int holding(String org) {
    return queue.holding(org);
  }

  public int queued(String org) {
    return queue.queued(org);
  }

  public Map<String, Integer> queuedByOrg() {
    return queue.queuedByOrg();
  }

  /** Asks for a pass on the admission thread; requests made while one is pending coalesce. */
  public void requestPass() {
    if (!passRequested.compareAndSet(false, true)) {
      return;
    }
    try {
      loop.execute(
          () -> {
            passRequested.set(false);
            synchronized (this) {
              pass(null);
            }
          });
    } catch (RejectedExecutionException e) {
      passRequested.set(false);
    }
  }

  private void pass(String inlineKey) {
    if (!seeded) {
      return;
    }
    int free =
        clusterMaxBuilds == null
            ? Integer.MAX_VALUE
            : Math.max(0, clusterMaxBuilds - holders.size());
    List<Candidate> admitted = queue.admit(free);
    for (Candidate c : admitted) {
      holders.add(c.key());
      grants.add(c.key());
    }
    for (Candidate c : admitted) {
      organizationChanged.accept(c.organization());
      if (!c.key().equals(inlineKey)) {
        buildWaker.accept(resourceId(c.key()));
      }
      // The rest of its serial group now waits for this Build: refresh what their status says.
      for (String waiting : queue.queuedInSerialGroup(c)) {
        buildWaker.accept(resourceId(waiting));
      }
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
