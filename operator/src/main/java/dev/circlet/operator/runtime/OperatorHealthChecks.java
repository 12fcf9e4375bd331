package dev.circlet.operator.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Liveness (the operator started) and readiness (its informers are synced and healthy). */
public class OperatorHealthChecks {
  private OperatorHealthChecks() {}

  /**
   * Live once the operator's start began: a replica waiting for leadership, or still listing a
   * large cluster from a busy API server, is live (and not ready).
   */
  @Liveness
  @ApplicationScoped
  public static class Live implements HealthCheck {
    private final OperatorRuntime runtime;

    public Live(OperatorRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
      CircletOperator op = runtime.operator();
      return HealthCheckResponse.named("circlet-operator").status(op != null && op.live()).build();
    }
  }

  /** Ready when the controllers run and every informer has synced and is watching. */
  @Readiness
  @ApplicationScoped
  public static class Ready implements HealthCheck {
    private final OperatorRuntime runtime;

    public Ready(OperatorRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
      CircletOperator op = runtime.operator();
      return HealthCheckResponse.named("circlet-informers").status(op != null && op.ready()).build();
    }
  }
}
