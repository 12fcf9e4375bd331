package dev.circlet.gateway.rest;

import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.history.HistoryQueries;
import dev.circlet.gateway.tokens.ApiTokens;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The REST API's parts, built from the data source and configuration. */
@Singleton
public class ApiBeans {
  @Produces
  @Singleton
  ApiTokens tokens(DataSource dataSource) {
    return new ApiTokens(dataSource, Clock.systemUTC(), Duration.ofMinutes(1));
  }

  @Produces
  @Singleton
  ApiAuth auth(ApiTokens tokens, @ConfigProperty(name = "circlet.gateway.admin-token") Optional<String> bootstrap) {
    return new ApiAuth(tokens, bootstrap);
  }

  @Produces
  @Singleton
  HistoryQueries history(DataSource dataSource) {
    return new HistoryQueries(dataSource);
  }

  @Produces
  @Singleton
  ArchiveStore archive(DataSource dataSource) {
    return new ArchiveStore(dataSource);
  }
}
