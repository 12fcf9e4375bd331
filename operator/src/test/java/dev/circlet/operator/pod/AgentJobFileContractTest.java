package dev.circlet.operator.pod;

import dev.circlet.api.naming.StorageScope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.Trigger;
import dev.circlet.operator.workflow.TriggerEnvironment;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.model.JobFile;
import org.junit.jupiter.api.Test;

/**
 * The contract between the operator and the agent: the job.json the operator writes into the agent
 * Secret is parsed with the agent's own {@link JobFile}, and what the agent derives from it — the
 * revision, branch, repository URL, workflow id, storage scope — is what the Build says.
 */
class AgentJobFileContractTest {
  @Test
  void theAgentReadsTheTriggerAndStorageScopeTheOperatorWrites() {
    Trigger trigger = new Trigger();
    trigger.revision = "0123456789abcdef0123456789abcdef01234567";
    trigger.branch = "main";
    trigger.actor = "octocat";
    trigger.repositoryUrl = "https://github.com/acme/web.git";
    Build build = BuildPodFactoryTest.build("web-12-build-test", spec -> {
      spec.trigger = TriggerEnvironment.of(trigger, "wf-uid-1");
      spec.parallelIndex = 1;
      spec.parallelTotal = 3;
    });

    JobFile file = JobFile.parse(AgentJobFile.of(build));

    BuildInfo info = file.buildInfo();
    assertThat(info.revision()).isEqualTo(trigger.revision);
    assertThat(info.branch()).isEqualTo("main");
    assertThat(info.repositoryUrl()).isEqualTo("https://github.com/acme/web.git");
    assertThat(info.actor()).isEqualTo("octocat");
    assertThat(info.workflowId()).isEqualTo("wf-uid-1");
    assertThat(file.workflowId()).isEqualTo("wf-uid-1");
    assertThat(file.storageScope()).isEqualTo("orgs/acme/projects/ci-acme/web");
    assertThat(file.job().name()).isEqualTo("test");
    assertThat(file.parallelIndex()).isEqualTo(1);
    assertThat(file.parallelTotal()).isEqualTo(3);
    assertThat(file.build()).isEqualTo("web-12-build-test");
  }

  @Test
  void aTagBuildOutsideAPipelineHasTheTagAndTheStandaloneScope() {
    Build build = BuildPodFactoryTest.build("release", spec -> {
      spec.pipeline = null;
      spec.trigger.clear();
      spec.trigger.put("CIRCLE_TAG", "v1.2.3");
    });
    JobFile file = JobFile.parse(AgentJobFile.of(build));
    assertThat(file.buildInfo().tag()).isEqualTo("v1.2.3");
    assertThat(file.storageScope()).isEqualTo("orgs/acme/projects/ci-acme/" + StorageScope.NO_PIPELINE);
  }
}
