package dev.circlet.gateway.ui;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Serves the web UI (the {@code circlet-web-ui} jar's {@code META-INF/resources/ui}, which Quarkus
 * serves as static files) with page routes answered by {@code index.html} and the UI's security
 * headers. The UI holds no data: everything it shows comes from the REST API with the caller's token.
 */
@ApplicationScoped
public class WebUiRoutes {
  void routes(@Observes Router router) {
    router.routeWithRegex("/ui(/.*)?").order(-100).handler(rc -> {
      String path = rc.normalizedPath();
      switch (WebUiPaths.answer(rc.request().method().name(), path)) {
        case REDIRECT -> rc.redirect(WebUiPaths.ROOT + "/");
        case INDEX -> {
          if (path.equals(WebUiPaths.INDEX_PATH)) {
            headers(rc, true);
            rc.next();
          } else {
            rc.reroute(WebUiPaths.INDEX_PATH);
          }
        }
        case FILE -> {
          headers(rc, path.endsWith(".html"));
          rc.next();
        }
        case NOT_UI -> rc.next();
      }
    });
  }

  private static void headers(io.vertx.ext.web.RoutingContext rc, boolean page) {
    WebUiPaths.SECURITY_HEADERS.forEach(rc.response()::putHeader);
    if (page) {
      // index.html names the current build's hashed assets: revalidate it on every load.
      rc.response().putHeader("Cache-Control", "no-cache");
    }
  }
}
