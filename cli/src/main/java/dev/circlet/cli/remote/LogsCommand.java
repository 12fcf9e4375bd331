package dev.circlet.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code circlet logs}: a Build's step logs, each under a header line; with {@code -f} it follows
 * them live, step after step, until the Build ends.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = "Print a Build's step logs; -f follows them live until the Build ends.")
public final class LogsCommand extends RemoteCommand {
  private static final Set<String> BUILD_ENDED = Set.of("Succeeded", "Failed", "Canceled", "TimedOut");

  @Parameters(index = "0", paramLabel = "NAMESPACE/BUILD")
  String target;

  @Option(names = "--step", description = "Only this step (its index).")
  Integer step;

  @Option(names = {"-f", "--follow"}, description = "Follow the log live.")
  boolean follow;

  @Override
  int run() {
    String[] b = qualified("the Build", target);
    if (step != null && step < 0) {
      throw new IllegalArgumentException("--step must be 0 or more");
    }
    GatewayClient client = client();
    int next = step == null ? 0 : step;
    while (true) {
      JsonNode build = client.get(path("builds", b[0], b[1]));
      JsonNode steps = build.path("steps");
      JsonNode current = null;
      for (JsonNode s : steps) {
        if (s.path("index").asInt(-1) == next) {
          current = s;
        }
      }
      boolean ended = BUILD_ENDED.contains(build.path("phase").asText());
      if (current == null) {
        if (!follow || ended) {
          if (step != null) {
            throw new IllegalArgumentException("Build " + target + " has no step " + step);
          }
          return 0;
        }
        pause();
        continue;
      }
      out().println("==> step " + next + ": " + current.path("name").asText());
      out().flush();
      if (follow) {
        client.follow(b[0], b[1], next, 0, chunk -> {
          out().print(chunk);
          out().flush();
        });
      } else {
        out().print(new String(client.log(b[0], b[1], next), StandardCharsets.UTF_8));
      }
      out().flush();
      if (step != null) {
        return 0;
      }
      next++;
    }
  }

  private void pause() {
    try {
      Thread.sleep(env().pollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
