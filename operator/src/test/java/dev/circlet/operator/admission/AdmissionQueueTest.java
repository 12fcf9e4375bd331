package dev.circlet.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.operator.admission.AdmissionQueue.Candidate;
import dev.circlet.operator.admission.AdmissionQueue.OrgPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Candidate c(String key, String org, int priority, int second) {
    return new Candidate(key, org, priority, T0.plusSeconds(second));
  }

  private static List<String> keys(List<Candidate> cs) {
    return cs.stream().map(Candidate::key).toList();
  }

  @Test
  void weightedFairShareSplitsTheClusterByWeight() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("big", 100, 3, null));
    q.upsertOrganization(new OrgPlan("small", 100, 1, null));
    // "big" floods the queue first; "small" arrives later and must still get its share.
    for (int i = 0; i < 200; i++) {
      q.enqueue(c("ns/big-" + i, "big", 0, i));
    }
    for (int i = 0; i < 50; i++) {
      q.enqueue(c("ns/small-" + i, "small", 0, 1000 + i));
    }
    List<Candidate> admitted = q.admit(40);
    assertThat(admitted).hasSize(40);
    long big = admitted.stream().filter(a -> a.organization().equals("big")).count();
    assertThat(big).isEqualTo(30);
    assertThat(q.holding("big")).isEqualTo(30);
    assertThat(q.holding("small")).isEqualTo(10);
  }

  @Test
  void fairShareCountsSlotsAlreadyHeld() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("a", 10, 1, null));
    q.upsertOrganization(new OrgPlan("b", 10, 1, null));
    for (int i = 0; i < 4; i++) {
      q.markHolding("ns/a-running-" + i, "a");
    }
    for (int i = 0; i < 5; i++) {
      q.enqueue(c("ns/a-" + i, "a", 0, i));
      q.enqueue(c("ns/b-" + i, "b", 0, 100 + i));
    }
    // b holds nothing, so the next four slots go to b before a gets any.
    assertThat(keys(q.admit(4))).containsExactly("ns/b-0", "ns/b-1", "ns/b-2", "ns/b-3");
    assertThat(q.admit(2)).extracting(Candidate::organization).containsExactly("a", "b");
  }

  @Test
  void organizationCapacityIsNeverExceededEvenWithoutClusterCap() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 5, 1, null));
    for (int i = 0; i < 7; i++) {
      q.enqueue(c("ns/b" + i, "acme", 0, i));
    }
    assertThat(q.admit(Integer.MAX_VALUE)).hasSize(5);
    assertThat(q.admit(Integer.MAX_VALUE)).isEmpty();
    assertThat(q.waitingReason("ns/b5")).contains("OrganizationAtCapacity: organization \"acme\" runs 5 of 5");
    q.release("ns/b0");
    assertThat(keys(q.admit(Integer.MAX_VALUE))).containsExactly("ns/b5");
  }

  @Test
  void priorityThenFifoThenKeyWithinAnOrganization() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 10, 1, null));
    q.enqueue(c("ns/old-low", "acme", 0, 1));
    q.enqueue(c("ns/new-high", "acme", 5, 9));
    q.enqueue(c("ns/old-high", "acme", 5, 2));
    q.enqueue(c("ns/b-same", "acme", 0, 3));
    q.enqueue(c("ns/a-same", "acme", 0, 3));
    assertThat(q.waitingReason("ns/old-low")).contains("Waiting: position 3 of 5 in organization \"acme\"");
    assertThat(keys(q.admit(10)))
        .containsExactly("ns/old-high", "ns/new-high", "ns/old-low", "ns/a-same", "ns/b-same");
  }

  @Test
  void enqueueMarkHoldingAndReleaseAreIdempotent() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 2, 1, 2));
    assertThat(q.enqueue(c("ns/a", "acme", 0, 1))).isTrue();
    assertThat(q.enqueue(c("ns/a", "acme", 0, 1))).isTrue();
    assertThat(q.enqueue(c("ns/a", "acme", 3, 1))).isTrue(); // priority changed: replaced
    assertThat(q.queued("acme")).isEqualTo(1);
    assertThat(q.enqueue(c("ns/b", "acme", 0, 2))).isTrue();
    assertThat(q.enqueue(c("ns/c", "acme", 0, 3))).as("maxQueued 2 reached").isFalse();
    assertThat(q.enqueue(c("ns/b", "acme", 0, 2))).as("a queued key is not new").isTrue();

    q.markHolding("ns/a", "acme");
    q.markHolding("ns/a", "acme");
    assertThat(q.holding("acme")).isEqualTo(1);
    assertThat(q.queued("acme")).isEqualTo(1);
    assertThat(q.enqueue(c("ns/a", "acme", 0, 1))).as("holding keys stay holding").isTrue();
    assertThat(q.queued("acme")).isEqualTo(1);
    assertThat(q.waitingReason("ns/a")).isEmpty();

    q.release("ns/a");
    q.release("ns/a");
    assertThat(q.holding("acme")).isZero();
    q.remove("ns/b");
    q.remove("ns/b");
    assertThat(q.queued("acme")).isZero();
    assertThat(q.queuedByOrg()).containsExactly(Map.entry("acme", 0));
  }

  @Test
  void unknownOrganizationAdmitsNothing() {
    AdmissionQueue q = new AdmissionQueue();
    assertThat(q.enqueue(c("ns/x1", "x", 0, 1))).isTrue();
    assertThat(q.admit(Integer.MAX_VALUE)).isEmpty();
    assertThat(q.waitingReason("ns/x1")).contains("UnknownOrganization: organization \"x\" does not exist");
    q.upsertOrganization(new OrgPlan("x", 1, 1, null));
    assertThat(keys(q.admit(Integer.MAX_VALUE))).containsExactly("ns/x1");
    q.removeOrganization("x");
    q.enqueue(c("ns/x2", "x", 0, 2));
    assertThat(q.admit(5)).isEmpty();
    assertThat(q.queuedByOrg()).containsExactly(Map.entry("x", 1));
  }

  @Test
  void clusterCapIsReportedAsTheWaitingReason() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 10, 1, null));
    for (int i = 0; i < 3; i++) {
      q.enqueue(c("ns/b" + i, "acme", 0, i));
    }
    assertThat(q.admit(1)).hasSize(1);
    assertThat(q.waitingReason("ns/b2"))
        .contains("ClusterAtCapacity: no free build slots in the cluster; position 2 of 2 in organization \"acme\"");
    assertThat(q.admit(0)).isEmpty();
  }

  private static Candidate serial(String key, String org, int priority, int second, String group) {
    return new Candidate(key, org, priority, T0.plusSeconds(second), group);
  }

  @Test
  void serialGroupRunsOneBuildAtATimeFirstQueuedFirst() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 10, 1, null));
    // Queued out of order, and the later deploy has a higher priority: the group is still FIFO.
    q.enqueue(serial("ns/deploy-2", "acme", 5, 2, "prod"));
    q.enqueue(serial("ns/deploy-1", "acme", 0, 1, "prod"));
    q.enqueue(serial("ns/deploy-3", "acme", 0, 3, "prod"));
    q.enqueue(c("ns/test-1", "acme", 0, 4));
    q.enqueue(serial("ns/stage-1", "acme", 0, 5, "staging"));

    assertThat(keys(q.admit(10))).containsExactlyInAnyOrder("ns/deploy-1", "ns/test-1", "ns/stage-1");
    assertThat(q.waitingReason("ns/deploy-2"))
        .contains("SerialGroup: serial group \"prod\" is held by ns/deploy-1; 0 queued before this one");
    assertThat(q.waitingReason("ns/deploy-3"))
        .contains("SerialGroup: serial group \"prod\" is held by ns/deploy-1; 1 queued before this one");
    assertThat(q.admit(10)).isEmpty();

    q.release("ns/deploy-1");
    assertThat(keys(q.admit(10))).containsExactly("ns/deploy-2");
    q.remove("ns/deploy-2");
    assertThat(keys(q.admit(10))).containsExactly("ns/deploy-3");
  }

  @Test
  void aSerialGroupReasonNeverNamesAnotherNamespacesBuild() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 10, 1, null));
    q.markHolding("team-a/secret-release-42", "acme", "prod");
    q.enqueue(serial("team-b/deploy", "acme", 0, 1, "prod"));
    q.enqueue(serial("team-a/deploy", "acme", 0, 2, "prod"));
    assertThat(q.waitingReason("team-b/deploy")).hasValueSatisfying(r -> assertThat(r)
        .isEqualTo("SerialGroup: serial group \"prod\" is held by a Build in another namespace; 0 queued before this one")
        .doesNotContain("team-a").doesNotContain("secret-release"));
    assertThat(q.waitingReason("team-a/deploy")).hasValueSatisfying(r -> assertThat(r)
        .contains("is held by team-a/secret-release-42"));
  }

  @Test
  void serialGroupsAreScopedToTheOrganization() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("a", 10, 1, null));
    q.upsertOrganization(new OrgPlan("b", 10, 1, null));
    q.enqueue(serial("ns/a-deploy", "a", 0, 1, "deploy"));
    q.enqueue(serial("ns/b-deploy", "b", 0, 2, "deploy"));
    assertThat(keys(q.admit(10))).containsExactlyInAnyOrder("ns/a-deploy", "ns/b-deploy");
  }

  @Test
  void aBlockedSerialHeadDoesNotHoldBackTheRestOfItsOrganization() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 2, 1, null));
    q.markHolding("ns/deploy-1", "acme", "prod"); // e.g. found running after a restart
    q.enqueue(serial("ns/deploy-2", "acme", 9, 1, "prod"));
    q.enqueue(c("ns/lint", "acme", 0, 2));
    assertThat(keys(q.admit(10))).containsExactly("ns/lint");
    assertThat(q.waitingReason("ns/deploy-2")).hasValueSatisfying(r -> assertThat(r).startsWith("SerialGroup:"));

    // The organization is full now; the serial group still explains the wait first.
    q.release("ns/deploy-1");
    q.markHolding("ns/other", "acme");
    assertThat(q.admit(10)).isEmpty();
    assertThat(q.waitingReason("ns/deploy-2")).hasValueSatisfying(r -> assertThat(r).startsWith("OrganizationAtCapacity:"));
  }

  @Test
  void aQueuedSerialBuildThatLeavesLetsTheNextOneGo() {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("acme", 1, 1, null));
    q.markHolding("ns/busy", "acme");
    q.enqueue(serial("ns/deploy-1", "acme", 0, 1, "prod"));
    q.enqueue(serial("ns/deploy-2", "acme", 0, 2, "prod"));
    assertThat(q.remove("ns/deploy-1")).as("was queued").isTrue();
    assertThat(q.remove("ns/deploy-1")).as("already gone").isFalse();
    q.release("ns/busy");
    assertThat(keys(q.admit(10))).containsExactly("ns/deploy-2");
  }

  /**
   * Random interleavings against a model: no org over its limit, no call over the cluster cap, never
   * two Builds of one serial group holding slots together.
   */
  @Test
  void capacityHoldsUnderRandomInterleavings() {
    Random random = new Random(20260101L);
    String[] orgs = {"a", "b", "c", "ghost"};
    for (int round = 0; round < 50; round++) {
      AdmissionQueue q = new AdmissionQueue();
      Map<String, Integer> limits = new HashMap<>();
      Map<String, String> orgOf = new HashMap<>();
      Map<String, String> groupOf = new HashMap<>();
      Set<String> holdingModel = new HashSet<>();
      for (String org : List.of("a", "b", "c")) {
        int max = random.nextInt(6);
        limits.put(org, max);
        q.upsertOrganization(new OrgPlan(org, max, 1 + random.nextInt(4), null));
      }
      List<String> known = new ArrayList<>();
      for (int step = 0; step < 400; step++) {
        int op = random.nextInt(10);
        if (op < 4 || known.isEmpty()) {
          String key = "ns/b" + random.nextInt(60);
          String org = orgOf.computeIfAbsent(key, k -> orgs[random.nextInt(orgs.length)]);
          String group = groupOf.computeIfAbsent(key, k -> List.of("", "", "g1", "g2").get(random.nextInt(4)));
          q.enqueue(new Candidate(key, org, random.nextInt(3), T0.plusSeconds(random.nextInt(1000)), group));
          known.add(key);
        } else if (op < 6) {
          int free = random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(5);
          Map<String, Integer> before = new HashMap<>();
          for (String org : orgs) {
            before.put(org, q.holding(org));
          }
          List<Candidate> admitted = q.admit(free);
          assertThat(admitted.size()).isLessThanOrEqualTo(free);
          for (Candidate a : admitted) {
            assertThat(a.organization()).isNotEqualTo("ghost");
            if (!groupOf.get(a.key()).isEmpty()) {
              assertThat(holdingModel).as("serial group of " + a.key()).noneMatch(h -> orgOf.get(h).equals(a.organization())
                  && groupOf.get(h).equals(groupOf.get(a.key())));
            }
            assertThat(holdingModel.add(a.key())).as("admitted twice: " + a.key()).isTrue();
          }
          for (String org : List.of("a", "b", "c")) {
            if (q.holding(org) > before.get(org)) {
              assertThat(q.holding(org)).isLessThanOrEqualTo(limits.get(org));
            }
          }
        } else if (op < 8) {
          String key = known.get(random.nextInt(known.size()));
          q.release(key);
          holdingModel.remove(key);
        } else if (op < 9) {
          String key = known.get(random.nextInt(known.size()));
          q.remove(key);
          holdingModel.remove(key);
        } else {
          String key = known.get(random.nextInt(known.size()));
          String org = orgOf.get(key);
          if (org != null && !org.equals("ghost") && !holdingModel.contains(key)
              && q.holding(org) < limits.get(org) && groupOf.get(key).isEmpty()) {
            q.markHolding(key, org);
            holdingModel.add(key);
          }
        }
        int total = 0;
        for (String org : orgs) {
          total += q.holding(org);
        }
        assertThat(total).isEqualTo(holdingModel.size());
        for (String org : List.of("a", "b", "c")) {
          assertThat(q.holding(org)).isLessThanOrEqualTo(limits.get(org));
        }
      }
    }
  }

  /** Reconciler threads call the queue at once: no slot is handed out twice or beyond a limit. */
  @Test
  void concurrentCallersNeverOverAdmit() throws Exception {
    AdmissionQueue q = new AdmissionQueue();
    q.upsertOrganization(new OrgPlan("a", 7, 2, null));
    q.upsertOrganization(new OrgPlan("b", 5, 1, null));
    Set<String> admitted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger overLimit = new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      threads.add(Thread.ofPlatform().start(() -> {
        Random random = new Random(id);
        for (int i = 0; i < 2000; i++) {
          String org = random.nextBoolean() ? "a" : "b";
          q.enqueue(c("ns/" + id + "-" + i, org, random.nextInt(3), i));
          for (Candidate won : q.admit(1 + random.nextInt(3))) {
            if (!admitted.add(won.key())) {
              duplicates.incrementAndGet();
            }
          }
          if (q.holding("a") > 7 || q.holding("b") > 5) {
            overLimit.incrementAndGet();
          }
          if (random.nextInt(3) == 0) {
            q.release("ns/" + id + "-" + random.nextInt(i + 1));
          }
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(duplicates).hasValue(0);
    assertThat(overLimit).hasValue(0);
    assertThat(admitted).isNotEmpty();
  }
}
