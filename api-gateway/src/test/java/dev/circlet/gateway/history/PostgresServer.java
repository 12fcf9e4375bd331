package dev.circlet.gateway.history;

import static dev.circlet.gateway.testing.LocalServers.freePort;
import static dev.circlet.gateway.testing.LocalServers.pause;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throwaway PostgreSQL 15 cluster for tests: initdb into a temporary directory, the server as a
 * child process on a free loopback port, trust authentication, removed on {@link #close}. As root
 * (CI containers) the server runs as the {@code postgres} user through {@code setpriv}, because
 * PostgreSQL refuses to run as root.
 */
public final class PostgresServer implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  public static final String USER = "circlet";
  public static final String DATABASE = "circlet";

  private final Path dir;
  private final int port;
  private final boolean asRoot;
  private Process process;

  private PostgresServer(Path dir, int port, boolean asRoot) {
    this.dir = dir;
    this.port = port;
    this.asRoot = asRoot;
  }

  /** Creates the cluster and starts the server; returns once it accepts connections. */
  public static PostgresServer start() {
    if (!Files.isExecutable(BIN.resolve("postgres"))) {
      throw new IllegalStateException("PostgreSQL 15 is not installed; run hack/services.sh");
    }
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dir = Files.createTempDirectory("circlet-pg-");
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()));
      }
      PostgresServer pg = new PostgresServer(dir, freePort(), root);
      pg.run(pg.asUser(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
          "-U", USER, "--auth=trust", "--encoding=UTF8", "--no-sync")));
      pg.launch();
      pg.createDatabase();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public int port() {
    return port;
  }

  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(USER);
    return ds;
  }

  /** Drops and recreates the database, so one test's rows never leak into the next. */
  /** Applies the gateway's Flyway migrations to the (fresh) database. */
  public void migrate() {
    org.flywaydb.core.Flyway.configure().dataSource(dataSource()).load().migrate();
  }

  public void reset() {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "")) {
      c.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      c.createStatement().execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void createDatabase() {
    reset();
  }

  private void launch() throws IOException {
    List<String> cmd = asUser(List.of(BIN.resolve("postgres").toString(), "-D", dir.resolve("data").toString(),
        "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"));
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("postgres.log").toFile()).start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "")) {
        return;
      } catch (SQLException e) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("PostgreSQL did not start: " + log(), e);
        }
        pause(100);
      }
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("postgres.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private List<String> asUser(List<String> cmd) {
    if (!asRoot) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    out.addAll(cmd);
    return out;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      run(List.of("rm", "-rf", dir.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
