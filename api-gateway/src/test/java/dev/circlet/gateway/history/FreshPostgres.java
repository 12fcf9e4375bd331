package dev.circlet.gateway.history;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One throwaway {@link PostgresServer} per test class, emptied and migrated before each test:
 *
 * <pre>{@code @RegisterExtension static final FreshPostgres pg = new FreshPostgres();}</pre>
 *
 * The server starts before the class's own {@code @BeforeAll} methods and stops after its
 * {@code @AfterAll} methods; each test's {@code @BeforeEach} methods see an empty, migrated database.
 */
public final class FreshPostgres implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private PostgresServer server;
  private String startedBy;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = PostgresServer.start();
      startedBy = context.getUniqueId();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server().reset();
    server().migrate();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // a @Nested class ends before its outer class: the server stays until the class that started it ends
    if (server != null && context.getUniqueId().equals(startedBy)) {
      server.close();
      server = null;
    }
  }

  /** The running server. */
  public PostgresServer server() {
    if (server == null) {
      throw new IllegalStateException("PostgreSQL is not running: register FreshPostgres on a static field");
    }
    return server;
  }

  public PGSimpleDataSource dataSource() {
    return server().dataSource();
  }

  public String jdbcUrl() {
    return server().jdbcUrl();
  }
}
