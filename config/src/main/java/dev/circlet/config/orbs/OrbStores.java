package dev.circlet.config.orbs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Combines orb stores: the first that has a reference answers it; a miss names how each could. */
public final class OrbStores {
  private OrbStores() {}

  public static OrbStore firstOf(List<OrbStore> stores) {
    List<OrbStore> all = List.copyOf(stores);
    return new OrbStore() {
      @Override
      public Optional<String> source(String namespace, String name, String version) {
        for (OrbStore s : all) {
          Optional<String> found = s.source(namespace, name, version);
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }

      @Override
      public String howToVendor(String namespace, String name, String version) {
        List<String> hints = new ArrayList<>();
        all.forEach(s -> hints.add(s.howToVendor(namespace, name, version)));
        return String.join("; or ", hints);
      }
    };
  }
}
