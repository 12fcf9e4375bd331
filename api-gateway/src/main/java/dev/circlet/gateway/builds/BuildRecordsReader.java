package dev.circlet.gateway.builds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Reads what the runner API recorded about a Build (tables of V10), by the Build's uid: its steps,
 * its test results (failures first) and its artifacts. Callers authorize first; nothing here
 * checks organizations except {@link #organization}.
 */
public final class BuildRecordsReader {
  /** One step as the REST API shows it. */
  public record Step(int index, String name, String status, Integer exitCode, Instant startedAt, Instant finishedAt,
      Long durationMs, Long logBytes) {}

  /** One test case as the REST API shows it. */
  public record Test(String classname, String name, String file, String result, String message, long durationMs) {}

  /** One uploaded artifact: its path under the Build, its size and where it is stored. */
  public record Artifact(String path, long sizeBytes, String storageKey) {}

  private final DataSource dataSource;

  public BuildRecordsReader(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<Step> steps(String buildUid) {
    return query("""
        SELECT step_index, name, status, exit_code, started_at, finished_at, duration_ms, log_bytes
        FROM build_steps WHERE build_uid = ? ORDER BY step_index""", buildUid, rs -> new Step(rs.getInt(1),
        rs.getString(2), rs.getString(3), (Integer) rs.getObject(4), instant(rs.getTimestamp(5)),
        instant(rs.getTimestamp(6)), (Long) rs.getObject(7), (Long) rs.getObject(8)));
  }

  /** Failures and errors first, then skipped, then passed; in report order within each. */
  public List<Test> tests(String buildUid) {
    return query("""
        SELECT classname, name, file, result, message, duration_ms FROM test_results WHERE build_uid = ?
        ORDER BY CASE result WHEN 'failed' THEN 0 WHEN 'error' THEN 0 WHEN 'skipped' THEN 1 ELSE 2 END,
                 report_path, seq""", buildUid, rs -> new Test(rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getString(4), rs.getString(5), rs.getLong(6)));
  }

  /**
   * Artifacts whose upload finished. An artifact is recorded when its presigned PUT is issued, so
   * one without a known size is looked up with {@code sizeOf} (for example {@code ObjectStore::size}):
   * present, its size is stored and it is listed; absent (the upload never finished), it is left out.
   */
  public List<Artifact> artifacts(String buildUid, Function<String, OptionalLong> sizeOf) {
    record Row(String path, Long size, String key) {}
    List<Row> rows = query("SELECT path, size_bytes, storage_key FROM artifacts WHERE build_uid = ? ORDER BY path",
        buildUid, rs -> new Row(rs.getString(1), (Long) rs.getObject(2), rs.getString(3)));
    List<Artifact> out = new ArrayList<>();
    for (Row r : rows) {
      if (r.size() != null) {
        out.add(new Artifact(r.path(), r.size(), r.key()));
        continue;
      }
      OptionalLong size = sizeOf.apply(r.key());
      if (size.isPresent()) {
        update("UPDATE artifacts SET size_bytes = ? WHERE build_uid = ? AND path = ? AND storage_key = ?",
            size.getAsLong(), buildUid, r.path(), r.key());
        out.add(new Artifact(r.path(), size.getAsLong(), r.key()));
      }
    }
    return out;
  }

  /**
   * The organization recorded for the newest Build of that namespace and name that reported steps
   * (the Build's organization when its namespace was bound to it), for reads after the Build is gone.
   */
  public Optional<String> organization(String namespace, String build) {
    List<String> orgs = query("""
        SELECT organization FROM build_steps WHERE namespace = ? AND build_name = ? AND organization IS NOT NULL
        ORDER BY started_at DESC NULLS LAST LIMIT 1""", List.of(namespace, build), rs -> rs.getString(1));
    return orgs.stream().findFirst();
  }

  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, String uid, RowMapper<T> mapper) {
    return query(sql, List.of(uid), mapper);
  }

  private <T> List<T> query(String sql, List<?> params, RowMapper<T> mapper) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("build records: " + e.getMessage(), e);
    }
  }

  private void update(String sql, Object... params) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("build records: " + e.getMessage(), e);
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
