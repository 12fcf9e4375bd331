package dev.circlet.config.model;

import java.util.List;
import java.util.Set;

/**
 * The job statuses a {@code requires} entry may wait for ({@code - build: failed},
 * {@code - tests: [success, failed]}, {@code - tests: terminal}). A plain name waits for success.
 * When a required job ends in a status its entry does not accept, the requiring job does not run.
 */
public final class RequiredStatus {
  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";
  public static final String CANCELED = "canceled";
  public static final String NOT_RUN = "not_run";
  /** Any final status: success, failed, canceled or not_run. */
  public static final String TERMINAL = "terminal";

  /** Every status a {@code requires} entry may name. */
  public static final Set<String> ALL = Set.of(SUCCESS, FAILED, CANCELED, NOT_RUN, TERMINAL);

  private RequiredStatus() {}

  /**
   * Whether a required job that ended with {@code outcome} (success, failed, canceled or not_run)
   * lets the requiring job run.
   *
   * @param accepted the entry's statuses; null or empty means success only
   */
  public static boolean accepts(List<String> accepted, String outcome) {
    if (accepted == null || accepted.isEmpty()) {
      return SUCCESS.equals(outcome);
    }
    return accepted.contains(outcome) || accepted.contains(TERMINAL);
  }
}
