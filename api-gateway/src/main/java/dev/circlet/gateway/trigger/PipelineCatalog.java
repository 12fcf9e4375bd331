package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Pipeline;
import java.util.List;

/** The Pipelines of the cluster, looked up by normalised repository URL or by name. */
public interface PipelineCatalog {
  List<Pipeline> forRepository(String normalisedUrl);

  /** The Pipeline {@code namespace/name}, or null when there is none. */
  Pipeline named(String namespace, String name);
}
