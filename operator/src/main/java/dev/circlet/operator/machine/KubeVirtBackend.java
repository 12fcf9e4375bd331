package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.Timestamps;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The KubeVirt backend: a pool's VMs are {@code VirtualMachineInstance}s in the pool's namespace.
 * A claim is the label {@link MachineLabels#CLAIMED_BY} written by an update carrying the VMI's
 * resourceVersion, so of two claimants (two threads, or an operator and its successor) exactly one
 * wins; a cold boot creates the VMI with the claim already on it. Every decision reads the pool
 * from the API server, not from a cache, so a restarted operator sees every claim made before.
 */
public final class KubeVirtBackend implements MachineBackend {
  static final String USER_DATA_KEY = "userdata";
  /** Conflicts one claim tolerates before it re-reads the pool; each conflict means another Build won a VM. */
  static final int CLAIM_ROUNDS = 20;

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final KubernetesClient client;
  private final String defaultNamespace;
  private final Function<MachinePool, String> warmUserData;
  private final Clock clock;
  private final Map<String, Object> poolLocks = new ConcurrentHashMap<>();
  private volatile MachineIdentity identity;

  /**
   * @param defaultNamespace where VMs live when the pool names no namespace (the operator's own)
   * @param warmUserData cloud-init user data of a pool's warm VMs: no Build's data, no credentials
   */
  public KubeVirtBackend(KubernetesClient client, String defaultNamespace,
      Function<MachinePool, String> warmUserData, Clock clock) {
    this.client = client;
    this.defaultNamespace = defaultNamespace;
    this.warmUserData = warmUserData;
    this.clock = clock;
  }

  /**
   * Gives machine Builds a build identity: a VM booted for a Build carries its token in the
   * user data; a warm VM gets it with the job. Null (the default) issues none.
   */
  public KubeVirtBackend withIdentity(MachineIdentity identity) {
    this.identity = identity;
    return this;
  }

  /** The identity issuer, or null when VMs get no token (no gateway to stream to). */
  public MachineIdentity identity() {
    return identity;
  }

  @Override
  public ClaimResult claim(ClaimRequest request) {
    MachinePool pool = request.pool();
    // One claim per pool at a time in this operator: keeps "never more than max" exact, since the
    // count and the create are not one write. Across operators, leader election leaves one.
    synchronized (poolLocks.computeIfAbsent(pool.getMetadata().getName(), k -> new Object())) {
      for (int round = 0; round < CLAIM_ROUNDS; round++) {
        List<Machine> machines = observe(pool);
        ClaimPlanner.Decision d = ClaimPlanner.decide(pool.getMetadata().getName(), pool.getSpec().max, machines,
            request.buildUid(), request.shape().key());
        switch (d) {
          case ClaimPlanner.Adopt a -> {
            return ClaimResult.of(a.machine());
          }
          case ClaimPlanner.Wait w -> {
            return ClaimResult.waiting(w.reasonAndMessage());
          }
          case ClaimPlanner.Boot b -> {
            if (b.evict() != null) {
              remove(pool, b.evict());
            }
            VmiFactory.Claim claim = new VmiFactory.Claim(request.buildNamespace(), request.buildName(),
                request.buildUid(), clock.instant(), request.attempt());
            return ClaimResult.of(Machines.of(create(pool, request.shape(), request.diskImage(),
                request.userData(), claim, request.tokenSeconds())));
          }
          case ClaimPlanner.TakeFree t -> {
            for (Machine candidate : t.candidates()) {
              VirtualMachineInstance won = tryClaim(pool, candidate.name(), request);
              if (won != null) {
                return ClaimResult.of(Machines.of(won));
              }
            }
          }
        }
      }
      throw new IllegalStateException("could not claim a VM of pool \"" + pool.getMetadata().getName() + "\" in "
          + CLAIM_ROUNDS + " rounds: every free VM was taken by another Build first");
    }
  }

  /** The conditional write: the VMI as read, plus the claim; a 409 means someone else changed it first. */
  private VirtualMachineInstance tryClaim(MachinePool pool, String name, ClaimRequest request) {
    return claimAsRead(pool, vmis(pool).withName(name).get(), request);
  }

  /**
   * Claims the VMI as it was read: null when it is gone, taken, or changed on the API server
   * since (another claimant was first).
   */
  VirtualMachineInstance claimAsRead(MachinePool pool, VirtualMachineInstance vmi, ClaimRequest request) {
    if (vmi == null || vmi.getMetadata().getDeletionTimestamp() != null
        || vmi.getMetadata().getLabels().containsKey(MachineLabels.CLAIMED_BY)) {
      return null;
    }
    vmi.getMetadata().getLabels().put(MachineLabels.CLAIMED_BY, request.buildUid());
    vmi.getMetadata().getAnnotations().put(MachineLabels.CLAIMED_BUILD,
        request.buildNamespace() + "/" + request.buildName());
    vmi.getMetadata().getAnnotations().put(MachineLabels.CLAIMED_AT, Timestamps.format(clock.instant()));
    vmi.getMetadata().getAnnotations().put(MachineLabels.ATTEMPT, Integer.toString(request.attempt()));
    try {
      return vmis(pool).resource(vmi).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public void release(MachinePool pool, String buildUid) {
    vmis(pool).withLabel(MachineLabels.CLAIMED_BY, buildUid).delete();
  }

  /** The VM the Build holds, read from the API server; null when it holds none. */
  public VirtualMachineInstance held(MachinePool pool, String buildUid) {
    return vmis(pool).withLabel(MachineLabels.CLAIMED_BY, buildUid).list().getItems().stream()
        .filter(v -> v.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null);
  }

  /** The cloud-init user data the VM booted with, or null when its Secret is gone. */
  public String userData(VirtualMachineInstance vmi) {
    Secret s = client.secrets().inNamespace(vmi.getMetadata().getNamespace())
        .withName(vmi.getMetadata().getName() + "-cloudinit").get();
    if (s == null || s.getData() == null || s.getData().get(USER_DATA_KEY) == null) {
      return null;
    }
    return new String(java.util.Base64.getDecoder().decode(s.getData().get(USER_DATA_KEY)),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Records on the VMI that its job was handed over. */
  public void markAssigned(VirtualMachineInstance vmi) {
    client.resources(VirtualMachineInstance.class).inNamespace(vmi.getMetadata().getNamespace())
        .withName(vmi.getMetadata().getName())
        .edit(v -> {
          v.getMetadata().getAnnotations().put(MachineLabels.ASSIGNED, Timestamps.format(clock.instant()));
          return v;
        });
  }

  /** Destroys one VM (a VM that failed to boot for its Build). */
  public void destroy(VirtualMachineInstance vmi) {
    client.resources(VirtualMachineInstance.class).inNamespace(vmi.getMetadata().getNamespace())
        .withName(vmi.getMetadata().getName()).delete();
  }

  @Override
  public List<Machine> observe(MachinePool pool) {
    return vmis(pool).withLabel(MachineLabels.POOL, pool.getMetadata().getName()).list().getItems().stream()
        .map(Machines::of).toList();
  }

  @Override
  public void apply(MachinePool pool, PoolPlanner.Plan plan) {
    // Under the pool's claim lock, and counted again: the plan was made from an earlier look, and
    // claims may have booted VMs since; the pool never goes over max.
    synchronized (poolLocks.computeIfAbsent(pool.getMetadata().getName(), k -> new Object())) {
      for (String name : plan.remove().keySet()) {
        remove(pool, name);
      }
      if (plan.boot() <= 0) {
        return;
      }
      int present = (int) observe(pool).stream().filter(m -> !plan.remove().containsKey(m.name())).count();
      int room = pool.getSpec().max == null ? plan.boot() : pool.getSpec().max - present;
      MachineShape shape = MachineShape.warm(pool.getSpec());
      for (int i = 0; i < Math.min(plan.boot(), room); i++) {
        create(pool, shape, pool.getSpec().diskImage(shape.image()), warmUserData.apply(pool), null, 0);
      }
    }
  }

  /** The namespace of a pool's VMs. */
  public String namespace(MachinePool pool) {
    String ns = pool.getSpec().namespace;
    return ns == null || ns.isBlank() ? defaultNamespace : ns;
  }

  private void remove(MachinePool pool, String name) {
    vmis(pool).withName(name).delete();
  }

  /**
   * Creates a VMI and then its cloud-init Secret, owned by the VMI so that both go together;
   * KubeVirt starts the VM once the Secret exists. A VMI's spec cannot change after it is created,
   * so its name (and the Secret's, derived from it) is chosen here rather than by the API server.
   * Should the operator stop between the two writes, the VMI never boots and the pool removes it
   * at its boot timeout. A VM booted for a Build gets the Build's identity token, bound to a Secret
   * owned by the VMI, so the token is issued between the two writes.
   */
  private VirtualMachineInstance create(MachinePool pool, MachineShape shape, String diskImage, String userData,
      VmiFactory.Claim claim, long tokenSeconds) {
    String ns = namespace(pool);
    VirtualMachineInstance created = null;
    String name = null;
    for (int attempt = 0; created == null; attempt++) {
      name = pool.getMetadata().getName() + "-" + suffix();
      VirtualMachineInstance vmi = VmiFactory.vmi(pool, ns, name, shape, diskImage, name + "-cloudinit", claim);
      try {
        created = vmis(pool).resource(vmi).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= 3) {
          throw e;
        }
      }
    }
    MachineIdentity id = identity;
    if (claim != null && id != null) {
      try {
        userData = MachineBootData.withToken(userData, id.issue(created, claim.buildUid(), tokenSeconds > 0
            ? tokenSeconds : MachineIdentity.lifetimeSeconds(null, pool.getSpec().bootTimeoutSeconds)));
      } catch (KubernetesClientException e) {
        // A VM that could never boot would hold the Build's claim until its boot timeout.
        vmis(pool).withName(name).delete();
        throw new IllegalStateException("cannot issue the build identity of VM " + name + " (ServiceAccount "
            + id.serviceAccount() + " in " + ns + "): " + e.getMessage(), e);
      }
    }
    String secretName = name + "-cloudinit";
    Secret secret = new SecretBuilder()
        .withNewMetadata().withName(secretName).withNamespace(ns)
        .addToLabels(CircletApi.LABEL_MANAGED_BY, CircletApi.MANAGER)
        .addToLabels(MachineLabels.POOL, pool.getMetadata().getName())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("kubevirt.io/v1")
            .withKind("VirtualMachineInstance").withName(created.getMetadata().getName())
            .withUid(created.getMetadata().getUid()).withController(true).build())
        .endMetadata()
        .withType("Opaque")
        .withImmutable(true)
        .addToStringData(USER_DATA_KEY, userData == null ? "" : userData)
        .build();
    client.secrets().inNamespace(ns).resource(secret).create();
    return created;
  }

  private static String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder b = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<VirtualMachineInstance,
      io.fabric8.kubernetes.api.model.KubernetesResourceList<VirtualMachineInstance>,
      io.fabric8.kubernetes.client.dsl.Resource<VirtualMachineInstance>> vmis(MachinePool pool) {
    return (io.fabric8.kubernetes.client.dsl.MixedOperation) client.resources(VirtualMachineInstance.class)
        .inNamespace(namespace(pool));
  }
}
