package dev.circlet.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.gateway.api.GatewayWiring;
import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.archive.ArchiveStore.ArchivedBuild;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Build: its archived state with its steps, its test results (failures first) and artifacts,
 * and cancel (which sets the Build's {@code spec.cancel}). Another organization's Build is 404.
 */
@Path("/api/v1/builds/{namespace}/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class BuildsResource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiAuth auth;
  private final ArchiveStore archive;
  private final GatewayWiring gateway;

  public BuildsResource(ApiAuth auth, ArchiveStore archive, GatewayWiring gateway) {
    this.auth = auth;
    this.archive = archive;
    this.gateway = gateway;
  }

  /** A list answer ({@code next} is always null: a Build's lists are read whole). */
  public record Items<T>(List<T> items, String next) {}

  /** An artifact; {@code url} is where it is served, when the installation stores artifacts. */
  public record Artifact(String path, long sizeBytes, String url) {}

  /** An accepted cancel. */
  public record Accepted(String namespace, String build, String action) {}

  @GET
  public Map<String, Object> get(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ArchivedBuild b = archived(auth.require(authorization, Scope.READ), namespace, name);
    @SuppressWarnings("unchecked")
    Map<String, Object> out = new LinkedHashMap<>(JSON.convertValue(b.view(), Map.class));
    out.put("steps", archive.steps(b.uid()));
    return out;
  }

  @GET
  @Path("tests")
  public Items<ArchiveStore.TestRecord> tests(@PathParam("namespace") String namespace,
      @PathParam("name") String name, @HeaderParam("Authorization") String authorization) {
    ArchivedBuild b = archived(auth.require(authorization, Scope.READ), namespace, name);
    return new Items<>(archive.tests(b.uid()), null);
  }

  @GET
  @Path("artifacts")
  public Items<Artifact> artifacts(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ArchivedBuild b = archived(auth.require(authorization, Scope.READ), namespace, name);
    return new Items<>(archive.artifacts(b.uid()).stream()
        .map(a -> new Artifact(a.path(), a.sizeBytes(), null)).toList(), null);
  }

  @POST
  @Path("cancel")
  public Response cancel(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.WRITE);
    if (!Tenancy.validName(name) || !new Tenancy(gateway.client(), caller.organization()).owns(namespace)) {
      throw missing(namespace, name);
    }
    Build b = gateway.client().resources(Build.class).inNamespace(namespace).withName(name).get();
    if (b == null || b.getSpec() == null || !caller.organization().equals(b.getSpec().organization)) {
      throw missing(namespace, name);
    }
    gateway.client().resources(Build.class).inNamespace(namespace).withName(name).edit(x -> {
      x.getSpec().cancel = true;
      return x;
    });
    return Response.accepted(new Accepted(namespace, name, "cancel")).build();
  }

  private ArchivedBuild archived(ApiTokens.Holder caller, String namespace, String name) {
    if (!Tenancy.validName(name) || !new Tenancy(gateway.client(), caller.organization()).owns(namespace)) {
      throw missing(namespace, name);
    }
    ArchivedBuild b = archive.build(caller.organization(), namespace, name);
    if (b == null) {
      throw missing(namespace, name);
    }
    return b;
  }

  private static ApiProblem missing(String namespace, String name) {
    return ApiProblem.notFound("no Build " + namespace + "/" + name);
  }
}
