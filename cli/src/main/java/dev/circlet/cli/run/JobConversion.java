package dev.circlet.cli.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.model.JobDef;
import java.util.List;

/** Turns the config compiler's jobs into the runner's model through their shared JSON form (api JobSpec). */
public final class JobConversion {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private JobConversion() {}

  public static JobDef toRunner(JobSpec spec) {
    return JSON.convertValue(JSON.valueToTree(spec), JobDef.class);
  }

  public static List<JobDef> toRunner(List<JobSpec> specs) {
    return specs.stream().map(JobConversion::toRunner).toList();
  }
}
