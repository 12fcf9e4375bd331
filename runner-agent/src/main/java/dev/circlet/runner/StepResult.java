package dev.circlet.runner;

/** How one step ended: status is success, failed, skipped, canceled or timedout. */
public record StepResult(int n, String name, String status, long millis, int exitCode) {
  public boolean ok() {
    return status.equals("success") || status.equals("skipped");
  }
}
