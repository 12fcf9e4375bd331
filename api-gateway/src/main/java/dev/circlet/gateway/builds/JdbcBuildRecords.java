package dev.circlet.gateway.builds;

import dev.circlet.gateway.records.BuildRecords;
import dev.circlet.gateway.records.TestCase;
import dev.circlet.proto.runner.v1.StepEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import javax.sql.DataSource;

/**
 * The runner API's build records in PostgreSQL (tables of V10). Every write is an upsert keyed by
 * the Build's uid, so a runner reporting again after a lost answer changes nothing, and a late or
 * repeated "started" never undoes a "finished". Times are the runner's ({@code at_millis}).
 */
public final class JdbcBuildRecords implements BuildRecords {
  static final String RUNNING = "running";

  private static final String UPSERT_STEP = """
      INSERT INTO build_steps (build_uid, namespace, build_name, organization, step_index, name, status, exit_code,
                               started_at, finished_at, duration_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (build_uid, step_index) DO UPDATE SET
        name = CASE WHEN EXCLUDED.name <> '' THEN EXCLUDED.name ELSE build_steps.name END,
        status = CASE WHEN build_steps.finished_at IS NOT NULL AND EXCLUDED.finished_at IS NULL
                      THEN build_steps.status ELSE EXCLUDED.status END,
        exit_code = COALESCE(EXCLUDED.exit_code, build_steps.exit_code),
        started_at = COALESCE(build_steps.started_at, EXCLUDED.started_at),
        finished_at = COALESCE(EXCLUDED.finished_at, build_steps.finished_at),
        duration_ms = COALESCE(EXCLUDED.duration_ms, build_steps.duration_ms)
      """;

  private static final String UPSERT_LOG_LENGTH = """
      INSERT INTO build_steps (build_uid, namespace, build_name, organization, step_index, status, log_bytes)
      VALUES (?, ?, ?, ?, ?, 'running', ?)
      ON CONFLICT (build_uid, step_index) DO UPDATE SET log_bytes = EXCLUDED.log_bytes
      """;

  private final DataSource dataSource;
  private final BiFunction<String, String, BuildRef> builds;
  private final Clock clock;

  /** {@code builds} resolves a namespace and name to the Build (uid, organization); it throws when there is none. */
  public JdbcBuildRecords(DataSource dataSource, BiFunction<String, String, BuildRef> builds, Clock clock) {
    this.dataSource = dataSource;
    this.builds = builds;
    this.clock = clock;
  }

  @Override
  public void step(String namespace, String build, StepEvent e) {
    BuildRef b = builds.apply(namespace, build);
    boolean finished = e.getKind() == StepEvent.Kind.FINISHED;
    Instant at = e.getAtMillis() > 0 ? Instant.ofEpochMilli(e.getAtMillis()) : clock.instant();
    Instant started = finished ? at.minusMillis(Math.max(0, e.getDurationMillis())) : at;
    String status = finished ? (e.getStatus().isBlank() ? (e.getExitCode() == 0 ? "success" : "failed") : e.getStatus())
        : RUNNING;
    run(c -> {
      try (PreparedStatement ps = c.prepareStatement(UPSERT_STEP)) {
        ps.setString(1, b.uid());
        ps.setString(2, namespace);
        ps.setString(3, build);
        ps.setString(4, b.organization());
        ps.setInt(5, e.getStep());
        ps.setString(6, e.getName());
        ps.setString(7, status);
        if (finished) {
          ps.setInt(8, e.getExitCode());
        } else {
          ps.setNull(8, Types.INTEGER);
        }
        ps.setTimestamp(9, Timestamp.from(started));
        ps.setTimestamp(10, finished ? Timestamp.from(at) : null);
        if (finished) {
          ps.setLong(11, Math.max(0, e.getDurationMillis()));
        } else {
          ps.setNull(11, Types.BIGINT);
        }
        ps.executeUpdate();
      }
    });
  }

  @Override
  public void logLength(String namespace, String build, int step, long bytes) {
    BuildRef b = builds.apply(namespace, build);
    run(c -> {
      try (PreparedStatement ps = c.prepareStatement(UPSERT_LOG_LENGTH)) {
        ps.setString(1, b.uid());
        ps.setString(2, namespace);
        ps.setString(3, build);
        ps.setString(4, b.organization());
        ps.setInt(5, step);
        ps.setLong(6, bytes);
        ps.executeUpdate();
      }
    });
  }

  @Override
  public void testResults(String namespace, String build, String reportPath, List<TestCase> cases) {
    BuildRef b = builds.apply(namespace, build);
    // upsert by position, then drop positions past the report's end: the same report uploaded again
    // leaves the same rows, and each statement commits on its own (no transaction to hold open)
    run(c -> {
      try (PreparedStatement ps = c.prepareStatement("""
          INSERT INTO test_results (build_uid, report_path, seq, classname, name, file, result, message, duration_ms)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (build_uid, report_path, seq) DO UPDATE SET classname = EXCLUDED.classname,
            name = EXCLUDED.name, file = EXCLUDED.file, result = EXCLUDED.result, message = EXCLUDED.message,
            duration_ms = EXCLUDED.duration_ms""")) {
        int seq = 0;
        for (TestCase t : cases) {
          ps.setString(1, b.uid());
          ps.setString(2, reportPath);
          ps.setInt(3, seq++);
          ps.setString(4, t.classname());
          ps.setString(5, t.name());
          ps.setString(6, t.file());
          ps.setString(7, t.result());
          ps.setString(8, t.message());
          ps.setLong(9, t.durationMs());
          ps.addBatch();
          if (seq % 500 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      try (PreparedStatement del = c.prepareStatement(
          "DELETE FROM test_results WHERE build_uid = ? AND report_path = ? AND seq >= ?")) {
        del.setString(1, b.uid());
        del.setString(2, reportPath);
        del.setInt(3, cases.size());
        del.executeUpdate();
      }
    });
  }

  @Override
  public void artifact(String namespace, String build, String path, String storageKey) {
    BuildRef b = builds.apply(namespace, build);
    run(c -> {
      // a new upload to the same path replaces the old object: its size is learnt again
      try (PreparedStatement ps = c.prepareStatement("""
          INSERT INTO artifacts (build_uid, path, storage_key) VALUES (?, ?, ?)
          ON CONFLICT (build_uid, path) DO UPDATE SET storage_key = EXCLUDED.storage_key, size_bytes = NULL""")) {
        ps.setString(1, b.uid());
        ps.setString(2, path);
        ps.setString(3, storageKey);
        ps.executeUpdate();
      }
    });
  }

  private interface Work {
    void run(Connection c) throws SQLException;
  }

  private void run(Work w) {
    try (Connection c = dataSource.getConnection()) {
      w.run(c);
    } catch (SQLException e) {
      throw new IllegalStateException("build records: " + e.getMessage(), e);
    }
  }
}
