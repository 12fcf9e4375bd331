package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/**
 * One compiled step of a job. Every command, orb command and parameter is already expanded; only
 * the runtime parts of cache keys ({@code checksum}, {@code epoch}, {@code .Revision}) remain.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Step {
  @Required
  @JsonPropertyDescription(
      "Step type: run, checkout, save_cache, restore_cache, persist_to_workspace, attach_workspace,"
          + " store_artifacts, store_test_results, add_ssh_keys, setup_remote_docker, deploy.")
  public String type;

  @JsonPropertyDescription("Display name of the step.")
  public String name;

  @JsonPropertyDescription("run/deploy: the script.")
  public String command;

  @JsonPropertyDescription("run: shell override, e.g. '/bin/bash -eo pipefail'.")
  public String shell;

  @JsonPropertyDescription("run: environment of this step only.")
  public Map<String, String> environment;

  @JsonPropertyDescription("run: start in the background and continue with the next step.")
  public Boolean background;

  @JsonPropertyDescription("run/checkout: working directory of the step.")
  public String workingDirectory;

  @JsonPropertyDescription("run: kill the step after this long without output, e.g. '10m'.")
  public String noOutputTimeout;

  @JsonPropertyDescription("When the step runs: on_success (default), on_fail or always.")
  public String when;

  @JsonPropertyDescription("save_cache: key template.")
  public String key;

  @JsonPropertyDescription("restore_cache: key templates tried in order, each a prefix.")
  public List<String> keys;

  @JsonPropertyDescription("save_cache/persist_to_workspace: paths or globs.")
  public List<String> paths;

  @JsonPropertyDescription("checkout/store_artifacts/store_test_results: path.")
  public String path;

  @JsonPropertyDescription("store_artifacts: destination prefix.")
  public String destination;

  @JsonPropertyDescription("persist_to_workspace: root directory.")
  public String root;

  @JsonPropertyDescription("attach_workspace: directory to attach at.")
  public String at;

  @JsonPropertyDescription("checkout: 'shallow' (default), 'full' or 'blobless'.")
  public String method;

  @JsonPropertyDescription("add_ssh_keys: key fingerprints.")
  public List<String> fingerprints;

  public Step() {}

  public static Step run(String name, String command) {
    Step s = new Step();
    s.type = "run";
    s.name = name;
    s.command = command;
    return s;
  }
}
