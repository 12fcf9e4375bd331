package dev.circlet.gateway.orbs;

import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.orbs.CachingOrbStore;
import dev.circlet.config.orbs.OrbMapStore;
import dev.circlet.config.orbs.OrbMapStore.OrbMap;
import dev.circlet.config.orbs.OrbRegistryClient;
import dev.circlet.config.orbs.OrbRegistrySettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The orb store a repository's config compiles against in the gateway: the orb ConfigMaps of the
 * orb namespace (watched, so a compile reads memory), and the registry when the orb policy allows,
 * caching what it fetched as ConfigMaps just as the operator does.
 */
public final class ClusterOrbs implements Supplier<ConfigCompiler>, AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<ConfigMap> informer;
  private final OrbMapStore cache;
  private final OrbRegistrySettings settings;
  private final OrbRegistryClient registry;

  public ClusterOrbs(KubernetesClient client, String namespace, OrbRegistrySettings settings) {
    this.client = client;
    this.settings = settings;
    this.registry = settings.client();
    this.informer = client.configMaps().inNamespace(namespace).withLabel(OrbMapStore.LABEL_ORB_NAME).runnableInformer(0);
    // Started without waiting: until the first list arrives a compile sees no orbs, as after a
    // vendoring it sees them a moment later; the delivery records which orb was missing.
    informer.start();
    this.cache = new OrbMapStore(namespace, () -> informer.getStore().list().stream().map(cm -> new OrbMap(
        cm.getMetadata().getNamespace(), cm.getMetadata().getName(), cm.getMetadata().getLabels(), cm.getData())),
        this::create);
  }

  /** A compiler with a store of its own: the store records what one compile resolved. */
  @Override
  public ConfigCompiler get() {
    return new ConfigCompiler(new CachingOrbStore(cache, registry, settings.policy(), Map.of()));
  }

  private void create(OrbMap orb) {
    try {
      client.configMaps().inNamespace(orb.namespace()).resource(new ConfigMapBuilder()
          .withNewMetadata().withNamespace(orb.namespace()).withName(orb.name()).withLabels(orb.labels()).endMetadata()
          .withData(orb.data()).build()).create();
    } catch (KubernetesClientException e) {
      // Saved already (409) or not allowed here: the fetched source is used all the same.
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
