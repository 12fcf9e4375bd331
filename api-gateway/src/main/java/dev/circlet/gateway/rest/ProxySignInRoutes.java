package dev.circlet.gateway.rest;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The request edge of {@link ProxySignIn}, ahead of every route (REST, live tail, UI): removes any
 * incoming Authorization that has the shape of a proxy credential, then, when the mode is on and the
 * request carries no Authorization of its own, turns a trusted proxy's user header into one. The
 * proxy is recognised by the connection's own peer address, which a client cannot set (a
 * forwarded-for header can be set by anyone).
 */
@ApplicationScoped
public class ProxySignInRoutes {
  private static final String AUTHORIZATION = "Authorization";

  private final ProxySignIn proxy;

  public ProxySignInRoutes(ProxySignIn proxy) {
    this.proxy = proxy;
  }

  void routes(@Observes Router router) {
    router.route().order(-1000).handler(rc -> {
      MultiMap headers = rc.request().headers();
      if (headers.getAll(AUTHORIZATION).stream().anyMatch(ProxySignIn::isProxyCredential)) {
        headers.remove(AUTHORIZATION);
      }
      if (proxy.enabled() && headers.get(AUTHORIZATION) == null) {
        SocketAddress peer = rc.request().connection().remoteAddress();
        String stamp = proxy.stamp(peer == null ? null : peer.hostAddress(), headers.get(proxy.header()));
        if (stamp != null) {
          headers.set(AUTHORIZATION, stamp);
        }
      }
      rc.next();
    });
  }
}
