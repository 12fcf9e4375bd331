package dev.circlet.gateway.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.gateway.archive.ArchiveViews.BuildView;
import dev.circlet.gateway.archive.ArchiveViews.WorkflowView;
import dev.circlet.gateway.history.HistoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The archive of Workflows and Builds in PostgreSQL: upserts keyed by Kubernetes UID (a replayed
 * event or a resync rewrites the same row) and the reads of the API. Steps, tests and artifacts
 * are read from the tables the output processing writes; until those exist the lists are empty.
 */
public final class ArchiveStore {
  private static final String UNDEFINED_TABLE = "42P01";
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final DataSource dataSource;

  public ArchiveStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** An archived Build with the UID that keys its steps, tests and artifacts. */
  public record ArchivedBuild(String uid, BuildView view) {}

  /** One step of a Build (table build_steps). */
  public record StepRecord(int index, String name, String status, Integer exitCode, Instant startedAt,
      Instant finishedAt, Long durationMs, Long logBytes) {}

  /** One test result (table test_results). */
  public record TestRecord(String classname, String name, String file, String result, String message,
      Long durationMs) {}

  /** One stored artifact (table artifacts). */
  public record ArtifactRecord(String path, long sizeBytes, String storageKey) {}

  public void upsertWorkflow(String uid, WorkflowView v, boolean deleted) {
    String sql = """
        INSERT INTO workflow_archive (uid, namespace, name, organization, pipeline, pipeline_number, workflow, phase,
          created_at, started_at, finished_at, deleted, view, archived_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, now())
        ON CONFLICT (uid) DO UPDATE SET organization = EXCLUDED.organization, phase = EXCLUDED.phase,
          started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
          deleted = workflow_archive.deleted OR EXCLUDED.deleted, view = EXCLUDED.view, archived_at = now()""";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uid);
      ps.setString(2, v.namespace());
      ps.setString(3, v.name());
      ps.setString(4, v.organization());
      ps.setString(5, v.pipeline());
      if (v.pipelineNumber() == null) {
        ps.setNull(6, Types.BIGINT);
      } else {
        ps.setLong(6, v.pipelineNumber());
      }
      ps.setString(7, v.workflow());
      ps.setString(8, v.phase());
      ps.setTimestamp(9, ts(v.createdAt()));
      ps.setTimestamp(10, ts(v.startedAt()));
      ps.setTimestamp(11, ts(v.finishedAt()));
      ps.setBoolean(12, deleted);
      ps.setString(13, json(v));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("archiving Workflow " + v.namespace() + "/" + v.name(), e);
    }
  }

  public void upsertBuild(String uid, BuildView v, boolean deleted) {
    String sql = """
        INSERT INTO build_archive (uid, namespace, name, organization, workflow, job, phase, created_at, queued_at,
          finished_at, deleted, view, archived_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, now())
        ON CONFLICT (uid) DO UPDATE SET organization = EXCLUDED.organization, phase = EXCLUDED.phase,
          queued_at = EXCLUDED.queued_at, finished_at = EXCLUDED.finished_at,
          deleted = build_archive.deleted OR EXCLUDED.deleted, view = EXCLUDED.view, archived_at = now()""";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uid);
      ps.setString(2, v.namespace());
      ps.setString(3, v.name());
      ps.setString(4, v.organization());
      ps.setString(5, v.workflow());
      ps.setString(6, v.job());
      ps.setString(7, v.phase());
      ps.setTimestamp(8, ts(v.createdAt()));
      ps.setTimestamp(9, ts(v.queuedAt() != null ? v.queuedAt() : v.createdAt()));
      ps.setTimestamp(10, ts(v.finishedAt()));
      ps.setBoolean(11, deleted);
      ps.setString(12, json(v));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("archiving Build " + v.namespace() + "/" + v.name(), e);
    }
  }

  /** The newest archived Workflow of that name in the organization, or null. */
  public WorkflowView workflow(String organization, String namespace, String name) {
    List<WorkflowView> found = workflows("SELECT view FROM workflow_archive WHERE organization = ? AND namespace = ?"
        + " AND name = ? ORDER BY created_at DESC NULLS LAST LIMIT 1", organization, namespace, name);
    return found.isEmpty() ? null : found.get(0);
  }

  /** Every archived Workflow of one pipeline run (its first workflows and their reruns), oldest first. */
  public List<WorkflowView> workflowsOfRun(String organization, String namespace, String pipeline, long number) {
    return workflows("SELECT view FROM workflow_archive WHERE organization = ? AND namespace = ? AND pipeline = ?"
        + " AND pipeline_number = ? ORDER BY created_at, name", organization, namespace, pipeline, number);
  }

  /** The newest archived Build of that name in the organization, or null. */
  public ArchivedBuild build(String organization, String namespace, String name) {
    String sql = "SELECT uid, view FROM build_archive WHERE organization = ? AND namespace = ? AND name = ?"
        + " ORDER BY created_at DESC NULLS LAST LIMIT 1";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      ps.setString(2, namespace);
      ps.setString(3, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new ArchivedBuild(rs.getString(1), read(rs.getString(2), BuildView.class)) : null;
      }
    } catch (SQLException e) {
      throw new HistoryException("reading Build " + namespace + "/" + name, e);
    }
  }

  /** The organization's Builds waiting for a slot, oldest first (at most {@code limit}). */
  public List<BuildView> waiting(String organization, int limit) {
    String sql = "SELECT view FROM build_archive WHERE organization = ? AND phase = 'Queued' AND NOT deleted"
        + " ORDER BY queued_at, name LIMIT ?";
    List<BuildView> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs.getString(1), BuildView.class));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryException("reading the queue of " + organization, e);
    }
  }

  public List<StepRecord> steps(String buildUid) {
    String sql = "SELECT step_index, name, status, exit_code, started_at, finished_at, duration_ms, log_bytes"
        + " FROM build_steps WHERE build_uid = ? ORDER BY step_index";
    return optionalTable(sql, buildUid, rs -> new StepRecord(rs.getInt(1), rs.getString(2), rs.getString(3),
        (Integer) rs.getObject(4), instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), longOrNull(rs, 7),
        longOrNull(rs, 8)));
  }

  /** Failures first (failed, then error), then skipped and passed; by class and name within each. */
  public List<TestRecord> tests(String buildUid) {
    String sql = "SELECT classname, name, file, result, message, duration_ms FROM test_results WHERE build_uid = ?"
        + " ORDER BY CASE result WHEN 'failed' THEN 0 WHEN 'error' THEN 1 WHEN 'skipped' THEN 2 ELSE 3 END,"
        + " classname, name";
    return optionalTable(sql, buildUid, rs -> new TestRecord(rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getString(4), rs.getString(5), longOrNull(rs, 6)));
  }

  public List<ArtifactRecord> artifacts(String buildUid) {
    String sql = "SELECT path, size_bytes, storage_key FROM artifacts WHERE build_uid = ? ORDER BY path";
    return optionalTable(sql, buildUid, rs -> new ArtifactRecord(rs.getString(1), rs.getLong(2), rs.getString(3)));
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> optionalTable(String sql, String uid, Row<T> row) {
    List<T> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      if (UNDEFINED_TABLE.equals(e.getSQLState())) {
        return List.of(); // the output processing's tables are not migrated in this installation
      }
      throw new HistoryException("reading the output of Build " + uid, e);
    }
  }

  private List<WorkflowView> workflows(String sql, Object... args) {
    List<WorkflowView> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs.getString(1), WorkflowView.class));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryException("reading archived Workflows", e);
    }
  }

  private static Long longOrNull(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static String json(Object view) {
    try {
      return JSON.writeValueAsString(view);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an archived row does not read as " + type.getSimpleName(), e);
    }
  }

  private static Timestamp ts(String rfc3339) {
    Instant i = ArchiveViews.instant(rfc3339);
    return i == null ? null : Timestamp.from(i);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
