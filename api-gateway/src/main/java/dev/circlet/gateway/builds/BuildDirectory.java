package dev.circlet.gateway.builds;

import java.util.Optional;

/** Finds a live Build by namespace and name. */
public interface BuildDirectory {
  /** The Build, if it exists now; its organization only when its namespace is bound to it. */
  Optional<BuildRef> find(String namespace, String build);
}
