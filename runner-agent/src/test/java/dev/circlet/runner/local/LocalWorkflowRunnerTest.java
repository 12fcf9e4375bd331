package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.TestJobs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalWorkflowRunnerTest {
  @TempDir Path project;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();

  LocalWorkflowRunner runner() {
    return new LocalWorkflowRunner(new LocalWorkflowRunner.Options(project, 2, Map.of(), console, Duration.ofMillis(500)));
  }

  static JobSpec job(String name, List<String> requires, String command) {
    return TestJobs.job(name, requires, List.of(TestJobs.run("s", command)));
  }

  static List<String> statuses(List<JobOutcome> o) {
    return o.stream().map(x -> x.job() + "=" + x.status()).toList();
  }

  @Test
  void runsTheDagInOrderAndBlocksDependentsOfFailures() throws Exception {
    Path order = project.resolve("order");
    List<JobOutcome> out = runner().run(List.of(
        job("a", List.of(), "echo a >> " + order),
        job("b", List.of("a"), "echo b >> " + order),
        job("c", List.of("a"), "echo c >> " + order + "; exit 1"),
        job("d", List.of("b", "c"), "echo d >> " + order),
        new JobSpec("hold", "approval", List.of("b"), null, null, null, null, Map.of(), null, List.of(), List.of(), null),
        job("e", List.of("hold"), "echo e >> " + order)));
    assertThat(statuses(out)).containsExactly("a=success", "b=success", "c=failed", "d=blocked", "hold=approved", "e=success");
    List<String> lines = Files.readAllLines(order);
    assertThat(lines.get(0)).isEqualTo("a");
    assertThat(lines).containsExactlyInAnyOrder("a", "b", "c", "e");
    assertThat(lines.indexOf("e")).isGreaterThan(lines.indexOf("b"));
  }

  @Test
  void requiresWithStatusesRunFailureHandlersAndCleanups() throws Exception {
    JobSpec test = job("test", List.of(), "exit 3");
    JobSpec onFailure = job("on-failure", List.of("test"), "echo handled").withRequires(List.of("test"),
        Map.of("test", List.of("failed")));
    JobSpec onSuccess = job("on-success", List.of("test"), "echo never");
    JobSpec cleanup = job("cleanup", List.of("on-success"), "echo cleaned").withRequires(List.of("on-success"),
        Map.of("on-success", List.of("terminal")));
    List<JobOutcome> out = runner().run(List.of(test, onFailure, onSuccess, cleanup));
    assertThat(statuses(out)).containsExactly("test=failed", "on-failure=success", "on-success=blocked", "cleanup=success");
  }

  @Test
  void jobsOfASerialGroupNeverOverlap() throws Exception {
    Path log = project.resolve("serial.log");
    String body = "echo start-$CIRCLE_JOB >> " + log + "; sleep 0.3; echo end-$CIRCLE_JOB >> " + log;
    List<JobSpec> jobs = List.of(
        new JobSpec("deploy-eu", "build", List.of(), null, null, null, null, Map.of(), null,
            List.of(TestJobs.run("s", body)), List.of("aws-prod"), "prod"),
        new JobSpec("deploy-us", "build", List.of(), null, null, null, null, Map.of(), null,
            List.of(TestJobs.run("s", body)), List.of(), "prod"),
        job("lint", List.of(), body));
    List<JobOutcome> out = runner().run(jobs);
    assertThat(statuses(out)).containsExactly("deploy-eu=success", "deploy-us=success", "lint=success");
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("[deploy-eu] notice: context aws-prod lives in the cluster; pass the variables this job needs with -e NAME=VALUE");
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.indexOf("start-deploy-us")).as(String.join(",", lines))
        .isGreaterThan(lines.indexOf("end-deploy-eu"));
  }

  @Test
  void parallelNodesEachGetTheirIndex() throws Exception {
    JobSpec par = new JobSpec("par", "build", List.of(), null, null, null, null, Map.of(), 3,
        List.of(TestJobs.run("s", "echo node $CIRCLE_NODE_INDEX of $CIRCLE_NODE_TOTAL")), List.of(), null);
    List<JobOutcome> out = runner().run(List.of(par));
    assertThat(out.get(0).status()).isEqualTo("success");
    String log = console.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("[par#0/s] node 0 of 3", "[par#1/s] node 1 of 3", "[par#2/s] node 2 of 3");
  }

  @Test
  void cancelStopsTheRunningJobAndStartsNoOther() throws Exception {
    LocalWorkflowRunner r = runner();
    Thread.ofVirtual().start(() -> {
      try {
        while (!console.toString(StandardCharsets.UTF_8).contains("[slow/s] started")) {
          Thread.sleep(20);
        }
        r.cancel();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<JobOutcome> out = r.run(List.of(job("slow", List.of(), "echo started; sleep 60"), job("next", List.of("slow"), "true")));
    assertThat(statuses(out)).containsExactly("slow=canceled", "next=canceled");
  }

  @Test
  void invalidGraphsAreRejectedClearly() {
    assertThatThrownBy(() -> runner().run(List.of(job("a", List.of("zz"), "true"))))
        .hasMessage("job a requires zz, which is not in the workflow");
    assertThatThrownBy(() -> runner().run(List.of(job("a", List.of("b"), "true"), job("b", List.of("a"), "true"))))
        .hasMessage("job a requires itself through a cycle");
    assertThatThrownBy(() -> runner().run(List.of(job("a", List.of(), "true"), job("a", List.of(), "true"))))
        .hasMessage("job a appears twice in the workflow");
  }
}
