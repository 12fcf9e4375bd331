package dev.circlet.gateway.testing;

import dev.circlet.gateway.records.BuildRecords;
import dev.circlet.gateway.records.TestCase;
import dev.circlet.proto.runner.v1.StepEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Build records kept in memory, so tests of the runner API can see what it recorded. */
public final class RecordingBuildRecords implements BuildRecords {
  public final List<StepEvent> steps = new CopyOnWriteArrayList<>();
  public final List<TestCase> tests = new CopyOnWriteArrayList<>();
  public final List<String> artifacts = new CopyOnWriteArrayList<>();

  @Override
  public void step(String namespace, String build, StepEvent event) {
    steps.add(event);
  }

  public final List<String> logLengths = new CopyOnWriteArrayList<>();

  @Override
  public void logLength(String namespace, String build, int step, long bytes) {
    logLengths.add(step + "=" + bytes);
  }

  @Override
  public void testResults(String namespace, String build, String reportPath, List<TestCase> cases) {
    tests.addAll(cases);
  }

  @Override
  public void artifact(String namespace, String build, String path, String storageKey) {
    artifacts.add(path + "=" + storageKey);
  }
}
