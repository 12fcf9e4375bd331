package dev.circlet.runner;

import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.steps.CheckoutSource;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.volume.Volume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one job run needs, fixed before it starts.
 *
 * @param shimDir the shared directory of the shim protocol ({@code /circlet} in a pod)
 * @param home HOME of the steps ({@code /home/circleci} in a pod)
 * @param secrets project-setting and context values: lowest-precedence environment, masked
 * @param upstreamJobs jobs whose workspace layers attach_workspace applies; null for all of the workflow
 * @param sshKeysDir private keys named by fingerprint (colons removed), or null
 * @param killGrace time between TERM and KILL when a step is stopped
 * @param maskOnly values masked in output but not put in the environment (clone credentials)
 * @param volume the project volume: every path the agent reads or writes for the job lies in it
 */
public record JobContext(
    JobSpec job,
    BuildInfo build,
    Path shimDir,
    Path home,
    BlobStore store,
    CheckoutSource checkout,
    Map<String, String> secrets,
    Set<String> upstreamJobs,
    Path sshKeysDir,
    Duration killGrace,
    List<String> maskOnly,
    Volume volume) {

  /** Local runs: the job's code is the user's own, so the whole machine is its volume. */
  public JobContext(JobSpec job, BuildInfo build, Path shimDir, Path home, BlobStore store, CheckoutSource checkout,
      Map<String, String> secrets, Set<String> upstreamJobs, Path sshKeysDir, Duration killGrace,
      List<String> maskOnly) {
    this(job, build, shimDir, home, store, checkout, secrets, upstreamJobs, sshKeysDir, killGrace, maskOnly,
        Volume.unconfined());
  }
}
