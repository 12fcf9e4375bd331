package dev.circlet.runner;

import dev.circlet.runner.mask.MaskingLineWriter;
import dev.circlet.runner.mask.SecretMasker;

/**
 * A {@link JobLog} that masks every line the agent prints about a step (its name, notices,
 * errors, the finish line), beside the step output that {@link MaskingLineWriter} masks.
 */
final class MaskedJobLog implements JobLog {
  private final JobLog log;
  private final SecretMasker masker;

  MaskedJobLog(JobLog log, SecretMasker masker) {
    this.log = log;
    this.masker = masker;
  }

  @Override
  public void stepStarted(int n, String step) {
    log.stepStarted(n, masker.mask(step));
  }

  @Override
  public MaskingLineWriter.LineSink lines(int n, String step) {
    return log.lines(n, masker.mask(step));
  }

  @Override
  public void notice(String step, String message) {
    log.notice(masker.mask(step), masker.mask(message));
  }

  @Override
  public void stepFinished(StepResult r) {
    log.stepFinished(new StepResult(r.n(), masker.mask(r.name()), r.status(), r.millis(), r.exitCode()));
  }

  /** A report's failure messages and output may quote a secret like any step output: masked too. */
  @Override
  public void testReport(int n, String path, byte[] xml) {
    log.testReport(n, masker.mask(path), masker.isEmpty() ? xml
        : masker.mask(new String(xml, java.nio.charset.StandardCharsets.UTF_8))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
