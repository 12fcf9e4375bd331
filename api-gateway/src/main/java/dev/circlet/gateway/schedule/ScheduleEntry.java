package dev.circlet.gateway.schedule;

/**
 * One schedule of one Pipeline: a {@code spec.schedules} entry, or a workflow's own
 * {@code triggers: - schedule:} on one branch its filters name.
 *
 * @param key unique within the Pipeline: the schedule's name, or {@code workflow:<name>@<branch>}
 * @param scheduleName the value of {@code pipeline.schedule.name} for its runs (a workflow schedule
 *     is selected by its workflow's name)
 * @param branch the branch whose tip is built
 * @param repositoryUrl the Pipeline's clone URL
 */
public record ScheduleEntry(String namespace, String pipeline, String key, String scheduleName, CronExpression cron,
    String branch, String repositoryUrl) {
  /** The key of a workflow's own schedule on one branch. */
  public static String workflowKey(String workflow, String branch) {
    return "workflow:" + workflow + "@" + branch;
  }
}
