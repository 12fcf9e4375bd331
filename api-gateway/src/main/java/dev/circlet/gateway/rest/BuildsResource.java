package dev.circlet.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.gateway.api.GatewayWiring;
import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.archive.ArchiveViews;
import dev.circlet.gateway.archive.ArchiveStore.ArchivedBuild;
import dev.circlet.gateway.builds.BuildRecordsReader;
import dev.circlet.gateway.storage.ObjectStore;
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
import jakarta.ws.rs.core.StreamingOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Build: its archived state with its steps, its test results (failures first) and artifacts
 * as the runner API recorded them, and cancel (which sets the Build's {@code spec.cancel}). Another
 * organization's Build is 404.
 */
@Path("/api/v1/builds/{namespace}/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class BuildsResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = Logger.getLogger(BuildsResource.class.getName());

  private final ApiAuth auth;
  private final ArchiveStore archive;
  private final BuildRecordsReader records;
  private final ObjectStore store;
  private final GatewayWiring gateway;

  public BuildsResource(ApiAuth auth, ArchiveStore archive, BuildRecordsReader records, ObjectStore store,
      GatewayWiring gateway) {
    this.auth = auth;
    this.archive = archive;
    this.records = records;
    this.store = store;
    this.gateway = gateway;
  }

  /** A list answer ({@code next} is always null: a Build's lists are read whole). */
  public record Items<T>(List<T> items, String next) {}

  /** An artifact; {@code url} is the API path that serves its bytes (with the same token). */
  public record Artifact(String path, long sizeBytes, String url) {}

  /** An accepted cancel. */
  public record Accepted(String namespace, String build, String action) {}

  @GET
  public Map<String, Object> get(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    ArchivedBuild b = archived(caller, namespace, name);
    @SuppressWarnings("unchecked")
    Map<String, Object> out = new LinkedHashMap<>(JSON.convertValue(b.view(), Map.class));
    out.put("group", group(caller, namespace, b));
    out.put("steps", records.steps(b.uid()));
    return out;
  }

  @GET
  @Path("tests")
  public Items<BuildRecordsReader.Test> tests(@PathParam("namespace") String namespace,
      @PathParam("name") String name, @HeaderParam("Authorization") String authorization) {
    ArchivedBuild b = archived(auth.require(authorization, Scope.READ), namespace, name);
    return new Items<>(records.tests(b.uid()), null);
  }

  @GET
  @Path("artifacts")
  public Items<Artifact> artifacts(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ArchivedBuild b = archived(auth.require(authorization, Scope.READ), namespace, name);
    return new Items<>(records.artifacts(b.uid(), this::storedSize).stream()
        .map(a -> new Artifact(a.path(), a.sizeBytes(), ArtifactDownloads.url(namespace, name, a.path()))).toList(),
        null);
  }

  /**
   * One artifact's bytes, streamed from object storage. The object is the one recorded for this
   * Build at that path; the path never becomes a storage key, so no path reaches another Build's
   * objects. Another organization's Build, or a path the Build did not upload, is 404.
   */
  @GET
  @Path("artifacts/{path: .+}")
  @Produces(MediaType.WILDCARD)
  public Response download(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @PathParam("path") String path, @HeaderParam("Authorization") String authorization) {
    ArchivedBuild b = archived(auth.require(authorization, Scope.READ), namespace, name);
    BuildRecordsReader.Artifact a = records.artifacts(b.uid(), this::storedSize).stream()
        .filter(x -> x.path().equals(path)).findFirst()
        .orElseThrow(() -> ApiProblem.notFound("Build " + namespace + "/" + name + " has no artifact " + path));
    java.io.InputStream in;
    try {
      in = store.open(a.storageKey());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot read artifact " + a.storageKey() + ": " + e);
      throw new ApiProblem(503, "Object storage unavailable", "the artifact cannot be read now; try again");
    }
    if (in == null) {
      throw ApiProblem.notFound("Build " + namespace + "/" + name + " has no artifact " + path);
    }
    StreamingOutput body = out -> {
      try (in) {
        in.transferTo(out);
      }
    };
    return Response.ok(body, ArtifactDownloads.mediaType(path))
        .header("Content-Length", a.sizeBytes())
        .header("Content-Disposition", ArtifactDownloads.disposition(path))
        .header("X-Content-Type-Options", "nosniff")
        .build();
  }

  private String group(ApiTokens.Holder caller, String namespace, ArchivedBuild b) {
    String workflow = b.view().workflow();
    if (workflow == null) {
      return null;
    }
    return ArchiveViews.groupOf(archive.workflow(caller.organization(), namespace, workflow), b.view().job());
  }

  /**
   * The size of an artifact whose upload was not seen to finish. Object storage being unreachable
   * leaves the artifact out of this answer (a later read finds it) rather than failing the list.
   */
  private OptionalLong storedSize(String key) {
    try {
      return store.size(key);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot read the size of artifact " + key + ": " + e);
      return OptionalLong.empty();
    }
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
