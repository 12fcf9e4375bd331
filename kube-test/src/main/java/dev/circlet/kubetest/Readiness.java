package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;

/** Readiness predicates of the objects the control plane waits for. */
final class Readiness {
  private Readiness() {}

  static boolean isReady(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition c : n.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  static boolean isEstablished(CustomResourceDefinition crd) {
    if (crd.getStatus() == null || crd.getStatus().getConditions() == null) {
      return false;
    }
    boolean established = false;
    boolean accepted = false;
    for (CustomResourceDefinitionCondition c : crd.getStatus().getConditions()) {
      if ("Established".equals(c.getType())) {
        established = "True".equals(c.getStatus());
      } else if ("NamesAccepted".equals(c.getType())) {
        accepted = "True".equals(c.getStatus());
      }
    }
    return established && accepted;
  }
}
