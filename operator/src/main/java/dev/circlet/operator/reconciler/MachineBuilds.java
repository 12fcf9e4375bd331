package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.operator.machine.KubeVirtBackend;
import dev.circlet.operator.machine.MachineBackend;
import dev.circlet.operator.machine.MachineBootData;
import dev.circlet.operator.machine.MachineIdentity;
import dev.circlet.operator.machine.MachineLabels;
import dev.circlet.operator.machine.MachineShape;
import dev.circlet.operator.machine.VirtualMachineInstance;
import dev.circlet.operator.machine.VmiStatusMapper;
import dev.circlet.operator.pod.AgentJobFile;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import dev.circlet.operator.status.BuildStatusChanges;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The machine executor's side of a Build: claims the Build's VM from its pool, hands the job to a
 * warm VM's agent, maps the VM to the Build's status, replaces a VM that never becomes ready
 * (within the pool's {@code bootRetries}) and destroys the VM when the Build ends. Every read of
 * a VM goes to the API server, where the claim lives, so a restarted operator carries on.
 */
final class MachineBuilds {
  static final String REASON_BOOT_FAILED = "MachineBootFailed";
  static final String REASON_UNKNOWN_POOL = "UnknownMachinePool";
  static final String REASON_WRONG_CLASS = "NotAMachineResourceClass";
  static final String REASON_DELIVERY = "MachineJobRejected";
  /** The header of the assignment that carries the Build's identity token (the agent's). */
  static final String BUILD_TOKEN_HEADER = "Circlet-Build-Token";
  /** How often a machine Build looks at its VM: there is no VMI informer (KubeVirt may be absent). */
  static final Duration POLL = Duration.ofSeconds(1);
  /** How often a Build waiting for a full pool tries again. */
  static final Duration POOL_RECHECK = Duration.ofSeconds(2);

  /** What a step decided: the requeue, and whether the Build's slot is to be given back. */
  record Step(Duration requeue, boolean releaseSlot) {}

  private final KubernetesClient client;
  private final KubeVirtBackend backend;
  private final HttpClient http;
  private final int assignPort;

  MachineBuilds(KubernetesClient client, KubeVirtBackend backend, int assignPort) {
    this.client = client;
    this.backend = backend;
    this.assignPort = assignPort;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** The pool the resource class names, or null after writing why the Build waits or fails. */
  MachinePool pool(ResourceClass rc, BuildStatus next, Long gen, Instant now) {
    if (rc.getSpec().machinePool == null || rc.getSpec().machinePool.isBlank()) {
      BuildStatusChanges.end(next, BuildPhase.Failed, REASON_WRONG_CLASS, "resource class \""
          + rc.getMetadata().getName() + "\" names no machinePool", null, now, gen);
      return null;
    }
    MachinePool pool = client.resources(MachinePool.class).withName(rc.getSpec().machinePool).get();
    if (pool == null) {
      BuildStatusChanges.waiting(next, REASON_UNKNOWN_POOL,
          "machine pool \"" + rc.getSpec().machinePool + "\" does not exist", gen, now);
    }
    return pool;
  }

  /**
   * Claims a VM for an admitted Build; false when the pool has none to give (the status says
   * why and the Build stays queued).
   */
  boolean claim(Build build, MachinePool pool, ResourceClass rc, BuildStatus next, int attempt, Long gen,
      Instant now) {
    String machineImage = build.getSpec().job.executor == null ? null : build.getSpec().job.executor.machineImage;
    MachineShape shape = MachineShape.wanted(rc.getSpec(), pool.getSpec(), machineImage);
    String image = pool.getSpec().diskImage(shape.image());
    MachineIdentity identity = backend.identity();
    String userData = identity == null ? MachineBootData.forBuild(pool, AgentJobFile.of(build))
        : MachineBootData.forBuild(pool, AgentJobFile.of(build), identity.gateway(), identity.gatewayPlaintext());
    MachineBackend.ClaimResult r = backend.claim(new MachineBackend.ClaimRequest(pool,
        build.getMetadata().getNamespace(), build.getMetadata().getName(), build.getMetadata().getUid(), shape, image,
        userData, attempt, tokenSeconds(build, pool)));
    if (r.machine() == null) {
      BuildStatusChanges.waiting(next, r.waiting(), gen, now);
      return false;
    }
    BuildStatusChanges.admitted(next, null, rc.getSpec().nodePool != null ? rc.getSpec().nodePool
        : pool.getSpec().nodePool, gen, now);
    next.machineName = r.machine().name();
    return true;
  }

  /** Lifetime of the Build's identity token: its whole timeout, on a VM that may still have to boot. */
  static long tokenSeconds(Build build, MachinePool pool) {
    return MachineIdentity.lifetimeSeconds(build.getSpec().timeoutSeconds, pool.getSpec().bootTimeoutSeconds);
  }

  /** Follows an Admitted or Running machine Build through its VM. */
  Step follow(Build build, MachinePool pool, ResourceClass rc, BuildStatus next, Long gen, Instant now) {
    String uid = build.getMetadata().getUid();
    VirtualMachineInstance vmi = backend.held(pool, uid);
    PodObservation seen = VmiStatusMapper.map(vmi, now);
    boolean started = next.phase == BuildPhase.Running;
    if (vmi != null && !started && seen.phase() == BuildPhase.Running && !delivered(vmi)) {
      // A warm VM was Ready before its claim: it runs the job only once the job is handed over.
      String failure = deliver(vmi, build, pool);
      if (failure != null) {
        backend.release(pool, uid);
        BuildStatusChanges.end(next, BuildPhase.Failed, REASON_DELIVERY, failure, null, now, gen);
        return new Step(null, true);
      }
      vmi = backend.held(pool, uid);
      seen = VmiStatusMapper.map(vmi, now);
      if (vmi != null && !delivered(vmi)) {
        // Not reachable yet: the VM stays booting for the Build until the job is handed over.
        seen = new PodObservation(BuildPhase.Admitted, VmiStatusMapper.MACHINE_BOOTING,
            "handing the job to the VM's agent", null, seen.nodeName(), true, null, null, null);
      }
    } else if (vmi != null && !started && seen.phase() == BuildPhase.Admitted && bootTimedOut(vmi, pool, now)) {
      return retry(build, pool, rc, next, vmi, "did not become ready within "
          + pool.getSpec().bootTimeoutSeconds + "s", gen, now);
    }
    if (vmi != null && seen.phase().isTerminal() && !started
        && VmiStatusMapper.MACHINE_FAILED.equals(seen.reason())) {
      return retry(build, pool, rc, next, vmi, seen.message().replaceFirst("^the VM ", ""), gen, now);
    }
    if (vmi != null) {
      next.machineName = vmi.getMetadata().getName();
    }
    BuildStatusChanges.observe(next, seen, gen, now);
    if (next.phase.isTerminal()) {
      backend.release(pool, uid);
      return new Step(null, true);
    }
    return new Step(POLL, false);
  }

  /** Destroys the Build's VM (cancel, timeout, end). */
  void release(MachinePool pool, Build build) {
    if (pool != null) {
      backend.release(pool, build.getMetadata().getUid());
    }
  }

  /** A VM booted for the Build carries its job from its creation; a warm VM's is handed over after the claim. */
  private static boolean delivered(VirtualMachineInstance vmi) {
    Map<String, String> notes = vmi.getMetadata().getAnnotations();
    return notes != null && (notes.containsKey(MachineLabels.ASSIGNED) || notes.containsKey(MachineLabels.SUMMARY));
  }

  private static boolean bootTimedOut(VirtualMachineInstance vmi, MachinePool pool, Instant now) {
    Instant since = Timestamps.parse(vmi.getMetadata().getCreationTimestamp());
    Map<String, String> notes = vmi.getMetadata().getAnnotations();
    Instant claimed = notes == null ? null : Timestamps.parse(notes.get(MachineLabels.CLAIMED_AT));
    if (claimed != null && (since == null || claimed.isAfter(since))) {
      since = claimed;
    }
    long timeout = pool.getSpec().bootTimeoutSeconds == null ? 600 : pool.getSpec().bootTimeoutSeconds;
    return since != null && !now.isBefore(since.plusSeconds(timeout));
  }

  /** Destroys a VM that failed to boot and claims the next one, or fails the Build past the bound. */
  private Step retry(Build build, MachinePool pool, ResourceClass rc, BuildStatus next, VirtualMachineInstance vmi,
      String why, Long gen, Instant now) {
    int attempt = attempt(vmi);
    int retries = pool.getSpec().bootRetries == null ? 2 : pool.getSpec().bootRetries;
    backend.destroy(vmi);
    String what = "VM " + vmi.getMetadata().getName() + " " + why;
    if (attempt > retries) {
      BuildStatusChanges.end(next, BuildPhase.Failed, REASON_BOOT_FAILED, what + "; " + attempt
          + (attempt == 1 ? " VM" : " VMs") + " tried, the pool allows " + retries + " retries", null, now, gen);
      return new Step(null, true);
    }
    if (!claim(build, pool, rc, next, attempt + 1, gen, now)) {
      // The pool is full now: the Build keeps its slot and tries again shortly.
      next.phase = BuildPhase.Admitted;
    }
    next.message = what + "; trying VM " + (attempt + 1) + " of " + (retries + 1);
    return new Step(POLL, false);
  }

  static int attempt(VirtualMachineInstance vmi) {
    Map<String, String> notes = vmi.getMetadata().getAnnotations();
    try {
      return notes == null || notes.get(MachineLabels.ATTEMPT) == null ? 1
          : Integer.parseInt(notes.get(MachineLabels.ATTEMPT));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * Hands the job to the warm VM's agent over the VM's network, with the VM's key; null on
   * success (or when the VM already has it), else why the VM refused it. A VM not reachable yet
   * is tried again on the next poll.
   */
  private String deliver(VirtualMachineInstance vmi, Build build, MachinePool pool) {
    String ip = vmi.getStatus().interfaces.stream().map(i -> i.ipAddress).filter(a -> a != null && !a.isBlank())
        .findFirst().orElse(null);
    if (ip == null) {
      return null;
    }
    String key = MachineBootData.key(backend.userData(vmi)).orElse(null);
    if (key == null) {
      return "VM " + vmi.getMetadata().getName() + " has no assignment key in its cloud-init data";
    }
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + assignPort + "/assign"))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + key);
    MachineIdentity identity = backend.identity();
    if (identity != null) {
      // The job's identity travels with the job; the VM could not have it before its claim.
      request.header(BUILD_TOKEN_HEADER, identity.issue(vmi, build.getMetadata().getUid(), tokenSeconds(build, pool)));
    }
    try {
      HttpResponse<String> r = http.send(request.POST(HttpRequest.BodyPublishers.ofString(AgentJobFile.of(build)))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 202 || r.statusCode() == 409) {
        backend.markAssigned(vmi);
        return null;
      }
      return "the agent of VM " + vmi.getMetadata().getName() + " refused the job (" + r.statusCode() + "): "
          + r.body();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
