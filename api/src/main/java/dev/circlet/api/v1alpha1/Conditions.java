package dev.circlet.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Condition helpers following the Kubernetes API conventions. */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  /** The condition of this type, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    for (Condition c : conditions) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    Condition c = find(conditions, type);
    return c != null && TRUE.equals(c.getStatus());
  }

  /**
   * Sets a condition in place. The transition time moves only when the status changes.
   *
   * @return true when anything changed
   */
  public static boolean set(
      List<Condition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    Condition c = find(conditions, type);
    if (c == null) {
      c = new Condition();
      c.setType(type);
      c.setStatus(status);
      c.setReason(reason);
      c.setMessage(message);
      c.setObservedGeneration(observedGeneration);
      c.setLastTransitionTime(Timestamps.format(now));
      conditions.add(c);
      return true;
    }
    boolean changed = false;
    if (!Objects.equals(c.getStatus(), status)) {
      c.setStatus(status);
      c.setLastTransitionTime(Timestamps.format(now));
      changed = true;
    }
    if (!Objects.equals(c.getReason(), reason)) {
      c.setReason(reason);
      changed = true;
    }
    if (!Objects.equals(c.getMessage(), message)) {
      c.setMessage(message);
      changed = true;
    }
    if (!Objects.equals(c.getObservedGeneration(), observedGeneration)) {
      c.setObservedGeneration(observedGeneration);
      changed = true;
    }
    return changed;
  }
}
