package dev.circlet.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that work against a Circlet gateway: login, trigger, runs, builds, approve, cancel, rerun. */
public final class RemoteCommands {
  private RemoteCommands() {}

  /** {@code circlet login}: checks a token against the gateway and stores both for the other commands. */
  @Command(name = "login", mixinStandardHelpOptions = true,
      description = "Store the gateway URL and an API token (read from the terminal or standard input) in a file"
          + " only you can read. CIRCLET_GATEWAY_URL and CIRCLET_TOKEN override it.")
  public static final class Login extends RemoteCommand {
    @Option(names = "--url", required = true, description = "Gateway URL, e.g. https://ci.example.com")
    String url;

    @Override
    int run() {
      String normal = Credentials.normalise(url);
      String token = env().secretReader().get();
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("no token given");
      }
      Credentials c = new Credentials(normal, token.trim());
      JsonNode me = new GatewayClient(c, env().pollInterval()).get("/api/v1/me");
      c.save(env().env(), env().home());
      out().println("logged in to " + normal + " as organization " + me.path("organization").asText()
          + " (token " + me.path("token").path("name").asText() + ", scopes "
          + me.path("token").path("scopes").toString() + "); saved to "
          + Credentials.file(env().env(), env().home()));
      return 0;
    }
  }

  /** {@code circlet trigger}: starts a pipeline run, optionally watching it to its end. */
  @Command(name = "trigger", mixinStandardHelpOptions = true, description = "Trigger a Pipeline.")
  public static final class Trigger extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "NAMESPACE/PIPELINE")
    String pipeline;

    static final class Ref {
      @Option(names = "--branch", description = "Branch to build (default: the Pipeline's default branch).")
      String branch;

      @Option(names = "--tag", description = "Tag to build.")
      String tag;
    }

    @ArgGroup(exclusive = true)
    Ref ref;

    @Option(names = "--revision", description = "Commit to build (default: the tip of the branch or tag).")
    String revision;

    @Option(names = {"-p", "--param"}, description = "Pipeline parameter k=v (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--watch", description = "Show the run's jobs as they progress until it ends.")
    boolean watch;

    @Override
    int run() {
      String[] p = qualified("the pipeline", pipeline);
      Map<String, Object> body = new LinkedHashMap<>();
      if (ref != null && ref.branch != null) {
        body.put("branch", ref.branch);
      }
      if (ref != null && ref.tag != null) {
        body.put("tag", ref.tag);
      }
      if (revision != null) {
        body.put("revision", revision);
      }
      if (!params.isEmpty()) {
        body.put("parameters", params);
      }
      GatewayClient client = client();
      JsonNode run = client.post(path("pipelines", p[0], p[1], "runs"), body);
      out().println("run " + run.path("id").asText() + " (" + pipeline + " #" + run.path("number").asText() + "): "
          + run.path("status").asText());
      out().flush();
      return watch ? new Watch(client, out(), env().terminal(), env().pollInterval()).until(run.path("id").asLong())
          : 0;
    }
  }

  /** {@code circlet runs}: the Organization's pipeline runs, newest first. */
  @Command(name = "runs", mixinStandardHelpOptions = true, description = "List pipeline runs, newest first.")
  public static final class Runs extends RemoteCommand {
    @Option(names = "--pipeline", paramLabel = "NAMESPACE/PIPELINE", description = "Only this Pipeline's runs.")
    String pipeline;

    @Option(names = "--branch", description = "Only runs of this branch.")
    String branch;

    @Option(names = "--status", description = "Only runs in this record status (pending, created, failed, ...).")
    String status;

    @Option(names = "--limit", defaultValue = "20", description = "How many (1-100, default 20).")
    int limit;

    @Override
    int run() {
      if (pipeline != null) {
        qualified("the pipeline", pipeline);
      }
      StringBuilder q = new StringBuilder("/api/v1/runs?limit=").append(limit);
      param(q, "pipeline", pipeline);
      param(q, "branch", branch);
      param(q, "status", status);
      Views.runs(client().get(q.toString())).forEach(out()::println);
      return 0;
    }
  }

  /** {@code circlet builds}: a run's workflows, jobs and Builds, or one Build with its steps. */
  @Command(name = "builds", mixinStandardHelpOptions = true,
      description = "Show a run's workflows, jobs and Builds (RUN-ID), or one Build with its steps (NAMESPACE/BUILD).")
  public static final class Builds extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "RUN-ID|NAMESPACE/BUILD")
    String target;

    @Override
    int run() {
      if (target.matches("\\d{1,18}")) {
        Views.run(client().get("/api/v1/runs/" + target)).forEach(out()::println);
      } else {
        String[] b = qualified("the Build", target);
        Views.build(client().get(path("builds", b[0], b[1]))).forEach(out()::println);
      }
      return 0;
    }
  }

  /** {@code circlet approve}: approves an approval job of a Workflow. */
  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve an approval job.")
  public static final class Approve extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "NAMESPACE/WORKFLOW")
    String workflow;

    @Parameters(index = "1", paramLabel = "JOB")
    String job;

    @Override
    int run() {
      String[] w = qualified("the workflow", workflow);
      client().post(path("workflows", w[0], w[1], "approve"), Map.of("job", job));
      out().println("approved " + job + " of " + workflow);
      return 0;
    }
  }

  /** {@code circlet cancel}: cancels a Workflow, or one Build. */
  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a Workflow, or one Build with --build.")
  public static final class Cancel extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "NAMESPACE/NAME")
    String target;

    @Option(names = "--build", description = "The name is a Build, not a Workflow.")
    boolean build;

    @Override
    int run() {
      String[] t = qualified(build ? "the Build" : "the workflow", target);
      client().post(path(build ? "builds" : "workflows", t[0], t[1], "cancel"), null);
      out().println("cancel requested for " + (build ? "Build " : "workflow ") + target);
      return 0;
    }
  }

  /** {@code circlet rerun}: reruns a finished Workflow, whole or from its failed jobs. */
  @Command(name = "rerun", mixinStandardHelpOptions = true,
      description = "Rerun a finished workflow as a new Workflow of the same pipeline run.")
  public static final class Rerun extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "NAMESPACE/WORKFLOW")
    String workflow;

    @Option(names = "--failed", description = "Only the failed and canceled jobs and the jobs that depend on them.")
    boolean failedOnly;

    @Option(names = "--watch", description = "Show the run's jobs as they progress until it ends.")
    boolean watch;

    @Override
    int run() {
      String[] w = qualified("the workflow", workflow);
      GatewayClient client = client();
      JsonNode r = client.post(path("workflows", w[0], w[1], "rerun"), Map.of("failedOnly", failedOnly));
      out().println("rerunning " + workflow + " as " + w[0] + "/" + r.path("workflow").asText()
          + (r.hasNonNull("id") ? " (run " + r.get("id").asText() + ")" : ""));
      out().flush();
      return watch && r.hasNonNull("id")
          ? new Watch(client, out(), env().terminal(), env().pollInterval())
              .until(r.get("id").asLong(), r.path("workflow").asText()) : 0;
    }
  }

  static void param(StringBuilder q, String key, String value) {
    if (value != null) {
      q.append('&').append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
