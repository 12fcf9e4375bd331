package dev.circlet.config.compile;

import dev.circlet.config.Diagnostic;
import dev.circlet.config.yaml.Pos;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects errors and warnings of one compilation; duplicates (same place, same text) collapse. */
public final class Diags {
  private final Set<Diagnostic> all = new LinkedHashSet<>();

  public void error(Pos pos, String message) {
    all.add(Diagnostic.error(pos, message));
  }

  public void warn(Pos pos, String message) {
    all.add(Diagnostic.warning(pos, message));
  }

  public boolean hasErrors() {
    return all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  public List<Diagnostic> errors() {
    return all.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
  }

  public List<Diagnostic> warnings() {
    return all.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
  }
}
