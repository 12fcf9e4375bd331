package dev.circlet.operator.admission;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides which queued Builds get a slot: per-organization concurrency limits, a cluster-wide cap
 * weighted fair share between organizations, and serial groups (Builds of one organization sharing
 * a {@code serial-group} key hold a slot one at a time, first queued first).
 *
 * <p>Pure and thread-safe: it never reads a clock or the cluster; callers feed it what they
 * observe (Builds queued, Builds holding a slot, Organization plans) and act on what {@link
 * #admit(int)} returns. Every public method locks the queue, so reconciler threads may call it
 * concurrently.
 */
public final class AdmissionQueue {

  /**
   * A Build waiting for a slot. {@code key} is {@code namespace/name}; {@code serialGroup} is the
   * job's {@code serial-group} key, or null.
   */
  public record Candidate(String key, String organization, int priority, Instant queuedAt, String serialGroup) {
    public Candidate {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(organization, "organization");
      Objects.requireNonNull(queuedAt, "queuedAt");
      serialGroup = serialGroup == null || serialGroup.isBlank() ? null : serialGroup;
    }

    public Candidate(String key, String organization, int priority, Instant queuedAt) {
      this(key, organization, priority, queuedAt, null);
    }

    String groupKey() {
      return AdmissionQueue.groupKey(organization, serialGroup);
    }
  }

  /** Serial groups are scoped to an organization (whose names hold no slash). */
  static String groupKey(String organization, String serialGroup) {
    return serialGroup == null ? null : organization + "/" + serialGroup;
  }

  /**
   * An Organization's plan. {@code maxQueued} null means no limit on waiting Builds; weight below
   * 1 counts as 1.
   */
  public record OrgPlan(String name, int maxConcurrent, int weight, Integer maxQueued) {
    public OrgPlan {
      Objects.requireNonNull(name, "name");
      weight = Math.max(1, weight);
      maxConcurrent = Math.max(0, maxConcurrent);
    }
  }

  /** Higher priority first, then the longest waiting, then the key so the order is total. */
  static final Comparator<Candidate> ORDER =
      Comparator.comparingInt(Candidate::priority)
          .reversed()
          .thenComparing(Candidate::queuedAt)
          .thenComparing(Candidate::key);

  private final Map<String, OrgPlan> plans = new HashMap<>();
  private final Map<String, Candidate> queuedByKey = new HashMap<>();
  private final Map<String, TreeSet<Candidate>> queues = new HashMap<>();
  private final Map<String, String> holdingByKey = new HashMap<>();
  private final Map<String, Set<String>> holdersByOrg = new HashMap<>();
  /** Serial groups: who holds a slot in each (normally one) and who waits, first queued first. */
  private final Map<String, String> groupByHolder = new HashMap<>();
  private final Map<String, Set<String>> holdersByGroup = new HashMap<>();
  private final Map<String, TreeSet<Candidate>> groupQueues = new HashMap<>();

  /** First queued first inside a serial group, whatever the priority. */
  static final Comparator<Candidate> GROUP_ORDER =
      Comparator.comparing(Candidate::queuedAt).thenComparing(Candidate::key);

  /** Whether the last {@link #admit(int)} stopped because the cluster cap ran out. */
  private boolean clusterExhausted;

  public synchronized void upsertOrganization(OrgPlan plan) {
    plans.put(plan.name(), plan);
  }

  /** Forgets a plan. Its queued Builds stay and wait as {@code UnknownOrganization}. */
  public synchronized void removeOrganization(String name) {
    plans.remove(name);
  }

  /**
   * Queues a Build. Idempotent by key: queuing a key again replaces its entry (priority may have
   * changed) without counting twice, and a key already holding a slot stays holding.
   *
   * @return false when the organization's {@code maxQueued} is reached and the Build is new
   */
  public synchronized boolean enqueue(Candidate c) {
    if (holdingByKey.containsKey(c.key())) {
      return true;
    }
    Candidate previous = queuedByKey.get(c.key());
    if (previous == null) {
      OrgPlan plan = plans.get(c.organization());
      if (plan != null && plan.maxQueued() != null && queued(c.organization()) >= plan.maxQueued()) {
        return false;
      }
    } else {
      dequeue(previous);
    }
    queuedByKey.put(c.key(), c);
    queues.computeIfAbsent(c.organization(), o -> new TreeSet<>(ORDER)).add(c);
    if (c.serialGroup() != null) {
      groupQueues.computeIfAbsent(c.groupKey(), g -> new TreeSet<>(GROUP_ORDER)).add(c);
    }
    return true;
  }

  /**
   * Forgets a Build entirely (deleted, or ended): it neither waits nor holds a slot.
   *
   * @return whether it was queued or holding a slot
   */
  public synchronized boolean remove(String key) {
    Candidate c = queuedByKey.get(key);
    if (c != null) {
      dequeue(c);
    }
    boolean held = holdingByKey.containsKey(key);
    release(key);
    return c != null || held;
  }

  /**
   * Records that a Build holds a slot (observed Admitted or Running, e.g. after a restart). It
   * leaves the queue if it was there; calling it again is a no-op.
   */
  public synchronized void markHolding(String key, String organization) {
    markHolding(key, organization, null);
  }

  /** {@link #markHolding(String, String)} for a Build in a serial group (null for none). */
  public synchronized void markHolding(String key, String organization, String serialGroup) {
    Candidate c = queuedByKey.get(key);
    if (c != null) {
      dequeue(c);
      if (serialGroup == null) {
        serialGroup = c.serialGroup();
      }
    }
    String previousOrg = holdingByKey.put(key, organization);
    if (previousOrg != null && !previousOrg.equals(organization)) {
      removeHolder(previousOrg, key);
    }
    holdersByOrg.computeIfAbsent(organization, o -> new LinkedHashSet<>()).add(key);
    String group = groupKey(organization, serialGroup == null || serialGroup.isBlank() ? null : serialGroup);
    if (group != null) {
      String previousGroup = groupByHolder.put(key, group);
      if (previousGroup != null && !previousGroup.equals(group)) {
        removeFrom(holdersByGroup, previousGroup, key);
      }
      holdersByGroup.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(key);
    }
  }

  /** Frees the slot a Build held; a no-op when it held none. */
  public synchronized void release(String key) {
    String org = holdingByKey.remove(key);
    if (org != null) {
      removeHolder(org, key);
    }
    String group = groupByHolder.remove(key);
    if (group != null) {
      removeFrom(holdersByGroup, group, key);
    }
  }

  /**
   * Picks the Builds to admit now and marks them holding.
   *
   * <p>Each pick goes to the organization with the lowest {@code holding / weight} among those with
   * a plan, a queued Build and a free slot under {@code maxConcurrent}; ties go to the oldest head
   * of queue, then the organization name. Repeating the pick keeps every organization's share of
   * the slots proportional to its weight, so a flood from one cannot starve another.
   *
   * @param clusterFreeSlots slots the cluster can still take; {@link Integer#MAX_VALUE} for no cap
   */
  public synchronized List<Candidate> admit(int clusterFreeSlots) {
    List<Candidate> admitted = new ArrayList<>();
    int remaining = Math.max(0, clusterFreeSlots);
    while (remaining > 0) {
      Candidate head = nextCandidate();
      if (head == null) {
        break;
      }
      markHolding(head.key(), head.organization(), head.serialGroup());
      admitted.add(head);
      remaining--;
    }
    clusterExhausted = remaining == 0 && nextCandidate() != null;
    return List.copyOf(admitted);
  }

  /** Keys of the Builds waiting in {@code c}'s serial group, first queued first; empty for none. */
  public synchronized List<String> queuedInSerialGroup(Candidate c) {
    TreeSet<Candidate> group = c.serialGroup() == null ? null : groupQueues.get(c.groupKey());
    return group == null ? List.of() : group.stream().map(Candidate::key).toList();
  }

  public synchronized int holding(String org) {
    Set<String> holders = holdersByOrg.get(org);
    return holders == null ? 0 : holders.size();
  }

  public synchronized int queued(String org) {
    TreeSet<Candidate> q = queues.get(org);
    return q == null ? 0 : q.size();
  }

  /** Queued Builds per organization, including every planned organization (sorted by name). */
  public synchronized Map<String, Integer> queuedByOrg() {
    Map<String, Integer> out = new TreeMap<>();
    for (String org : plans.keySet()) {
      out.put(org, 0);
    }
    queues.forEach((org, q) -> out.put(org, q.size()));
    return out;
  }

  /**
   * Why a queued Build is still waiting, as {@code Reason: message}; empty when the key is not
   * queued (unknown, or already holding a slot).
   */
  public synchronized Optional<String> waitingReason(String key) {
    Candidate c = queuedByKey.get(key);
    if (c == null) {
      return Optional.empty();
    }
    String org = c.organization();
    OrgPlan plan = plans.get(org);
    if (plan == null) {
      return Optional.of(
          "UnknownOrganization: organization \"" + org + "\" does not exist");
    }
    if (c.serialGroup() != null && !eligible(c)) {
      Set<String> running = holdersByGroup.get(c.groupKey());
      TreeSet<Candidate> group = groupQueues.get(c.groupKey());
      int ahead = group.headSet(c, false).size();
      String why = running != null && !running.isEmpty()
          ? "serial group \"" + c.serialGroup() + "\" is held by " + holderNames(running, key)
          : "serial group \"" + c.serialGroup() + "\" runs one Build at a time";
      return Optional.of("SerialGroup: " + why + "; " + ahead + " queued before this one");
    }
    int holding = holding(org);
    if (holding >= plan.maxConcurrent()) {
      return Optional.of(
          "OrganizationAtCapacity: organization \""
              + org
              + "\" runs "
              + holding
              + " of "
              + plan.maxConcurrent());
    }
    String position = "position " + position(c) + " of " + queued(org) + " in organization \"" + org + "\"";
    if (clusterExhausted) {
      return Optional.of("ClusterAtCapacity: no free build slots in the cluster; " + position);
    }
    return Optional.of("Waiting: " + position);
  }

  /**
   * The holders of a serial group as the waiting Build may see them: Builds of its own namespace by
   * {@code namespace/name}, any other only as "a Build in another namespace" — an organization's
   * namespaces are separate tenants' as far as names go.
   */
  static String holderNames(Set<String> holders, String waitingKey) {
    String namespace = waitingKey.substring(0, waitingKey.indexOf('/') + 1);
    List<String> names = new ArrayList<>();
    int elsewhere = 0;
    for (String h : new TreeSet<>(holders)) {
      if (h.startsWith(namespace)) {
        names.add(h);
      } else {
        elsewhere++;
      }
    }
    if (elsewhere > 0) {
      names.add(elsewhere == 1 ? "a Build in another namespace" : elsewhere + " Builds in other namespaces");
    }
    return String.join(", ", names);
  }

  private int position(Candidate c) {
    return queues.get(c.organization()).headSet(c, true).size();
  }

  /** The Build the next slot goes to: its organization's first eligible one; null when none can go. */
  private Candidate nextCandidate() {
    Candidate best = null;
    long bestHolding = 0;
    long bestWeight = 1;
    for (Map.Entry<String, TreeSet<Candidate>> e : queues.entrySet()) {
      String org = e.getKey();
      OrgPlan plan = plans.get(org);
      if (plan == null || e.getValue().isEmpty()) {
        continue;
      }
      int holding = holding(org);
      if (holding >= plan.maxConcurrent()) {
        continue;
      }
      Candidate first = firstEligible(org);
      if (first == null) {
        continue;
      }
      int cmp = -1;
      if (best != null) {
        // holding/weight < bestHolding/bestWeight, cross-multiplied to stay in integers.
        cmp = Long.compare(holding * bestWeight, bestHolding * plan.weight());
        if (cmp == 0) {
          cmp = first.queuedAt().compareTo(best.queuedAt());
        }
        if (cmp == 0) {
          cmp = org.compareTo(best.organization());
        }
      }
      if (cmp < 0) {
        best = first;
        bestHolding = holding;
        bestWeight = plan.weight();
      }
    }
    return best;
  }


  /**
   * The organization's best queued Build that may take a slot now: the head of its queue unless a
   * serial group holds that one back, in which case the next one that is free to go.
   */
  private Candidate firstEligible(String org) {
    TreeSet<Candidate> q = queues.get(org);
    if (q == null) {
      return null;
    }
    for (Candidate c : q) {
      if (eligible(c)) {
        return c;
      }
    }
    return null;
  }

  /** Outside a serial group always; inside one, only when nobody in it holds a slot and it is first. */
  private boolean eligible(Candidate c) {
    if (c.serialGroup() == null) {
      return true;
    }
    String group = c.groupKey();
    Set<String> running = holdersByGroup.get(group);
    if (running != null && !running.isEmpty()) {
      return false;
    }
    TreeSet<Candidate> waiting = groupQueues.get(group);
    return waiting == null || waiting.isEmpty() || waiting.first().equals(c);
  }

  private void dequeue(Candidate c) {
    if (c.serialGroup() != null) {
      TreeSet<Candidate> group = groupQueues.get(c.groupKey());
      if (group != null) {
        group.remove(c);
        if (group.isEmpty()) {
          groupQueues.remove(c.groupKey());
        }
      }
    }
    queuedByKey.remove(c.key());
    TreeSet<Candidate> q = queues.get(c.organization());
    if (q != null) {
      q.remove(c);
      if (q.isEmpty()) {
        queues.remove(c.organization());
      }
    }
  }

  private void removeHolder(String org, String key) {
    removeFrom(holdersByOrg, org, key);
  }

  private static void removeFrom(Map<String, Set<String>> index, String bucket, String key) {
    Set<String> keys = index.get(bucket);
    if (keys != null) {
      keys.remove(key);
      if (keys.isEmpty()) {
        index.remove(bucket);
      }
    }
  }
}
