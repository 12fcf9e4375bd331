package dev.circlet.config.compile;

import dev.circlet.config.params.ParamSpec;
import dev.circlet.config.yaml.YMap;
import java.util.Map;

/**
 * A reusable command, executor or job definition. {@code home} is the registry its body resolves
 * names in: the orb it came from, or the config itself.
 */
public record Element(String kind, String name, YMap body, Map<String, ParamSpec> params, Registry home) {
  public String describe() {
    return kind + " '" + name + "'";
  }
}
