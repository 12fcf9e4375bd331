package dev.circlet.runner;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.util.List;
import java.util.Map;

/** Compiled jobs and steps for tests and benchmarks, as the config compiler would produce them. */
public final class TestJobs {
  private TestJobs() {}

  /** A plain {@code run} step. */
  public static Step run(String name, String command) {
    Step.Builder b = Step.of("run");
    b.name = name;
    b.command = command;
    return b.build();
  }

  /** A build job with the given steps, no executor and one node. */
  public static JobSpec job(String name, List<String> requires, List<Step> steps) {
    return new JobSpec(name, "build", requires, null, null, null, null, Map.of(), 1, steps, List.of(), null);
  }
}
