package dev.circlet.gateway.rest;

import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.history.HistoryQueries;
import dev.circlet.gateway.tokens.ApiTokens;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
  ApiAuth auth(ApiTokens tokens, @ConfigProperty(name = "circlet.gateway.admin-token") Optional<String> bootstrap,
      ProxySignIn proxy) {
    return new ApiAuth(tokens, bootstrap, proxy);
  }

  /** Sign-in by an authenticating proxy's header: off unless {@code circlet.gateway.proxy-auth.header} is set. */
  @Produces
  @Singleton
  ProxySignIn proxySignIn(@ConfigProperty(name = "circlet.gateway.proxy-auth.header") Optional<String> header,
      @ConfigProperty(name = "circlet.gateway.proxy-auth.trusted-proxies") Optional<List<String>> trusted,
      @ConfigProperty(name = "circlet.gateway.proxy-auth.users") Optional<List<String>> users,
      @ConfigProperty(name = "circlet.gateway.proxy-auth.scopes", defaultValue = "read,write") List<String> scopes) {
    return ProxySignIn.of(header, trusted.orElse(List.of()), users.orElse(List.of()), scopes);
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
