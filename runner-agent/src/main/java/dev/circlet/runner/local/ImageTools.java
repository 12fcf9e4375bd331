package dev.circlet.runner.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * In shell mode, what the job's image would have provided beside what this machine has: the
 * image's main tool and tag (e.g. {@code cimg/node:16.20} is node 16.20) and the version of that
 * tool here, asked once per run.
 */
public final class ImageTools {
  /** A tool an image is about and the command that prints its version. */
  public record Tool(String name, List<String> versionCommand) {}

  private static final Map<String, Tool> BY_IMAGE = Map.ofEntries(
      Map.entry("node", new Tool("node", List.of("node", "--version"))),
      Map.entry("python", new Tool("python", List.of("python3", "--version"))),
      Map.entry("go", new Tool("go", List.of("go", "version"))),
      Map.entry("golang", new Tool("go", List.of("go", "version"))),
      Map.entry("openjdk", new Tool("java", List.of("java", "-version"))),
      Map.entry("eclipse-temurin", new Tool("java", List.of("java", "-version"))),
      Map.entry("ruby", new Tool("ruby", List.of("ruby", "--version"))),
      Map.entry("rust", new Tool("rust", List.of("rustc", "--version"))),
      Map.entry("php", new Tool("php", List.of("php", "--version"))),
      Map.entry("elixir", new Tool("elixir", List.of("elixir", "--version"))),
      Map.entry("clojure", new Tool("clojure", List.of("clojure", "--version"))));

  private final Map<Tool, String> versions = new ConcurrentHashMap<>();

  /** The tool an image is named after: {@code cimg/node:16.20}, {@code node:20-alpine}, {@code circleci/python:3.9}. */
  public static Optional<Tool> toolOf(String image) {
    if (image == null) {
      return Optional.empty();
    }
    String repo = image.split("@", 2)[0];
    int colon = repo.lastIndexOf(':');
    if (colon > repo.lastIndexOf('/')) {
      repo = repo.substring(0, colon);
    }
    String last = repo.substring(repo.lastIndexOf('/') + 1);
    return Optional.ofNullable(BY_IMAGE.get(last));
  }

  /** The tag of an image reference, {@code latest} when it has none. */
  public static String tag(String image) {
    String repo = image.split("@", 2)[0];
    int colon = repo.lastIndexOf(':');
    return colon > repo.lastIndexOf('/') ? repo.substring(colon + 1) : "latest";
  }

  /** The notice for a job whose primary image does not run: its tag beside this machine's tool. */
  public String notice(String image) {
    String base = "docker image " + image + " is not started; the steps run in this machine's shell";
    Optional<Tool> tool = toolOf(image);
    if (tool.isEmpty()) {
      return base;
    }
    Tool t = tool.get();
    String here = versions.computeIfAbsent(t, ImageTools::ask);
    return base + " (image: " + t.name() + " " + tag(image) + "; here: " + here + ")";
  }

  /**
   * The notice for a machine job: its VM is not started, the steps run in this machine's shell,
   * with this machine's Docker CLI (named with its path and version) when there is one.
   */
  public String machineNotice(String machineImage) {
    Optional<Path> cli = DockerCli.find();
    String version = cli.map(c -> versions.computeIfAbsent(new Tool("docker", List.of(c.toString(), "--version")),
        ImageTools::ask)).filter(v -> !v.startsWith("no ") && !v.equals("unknown")).orElse(null);
    return DockerCli.notice(machineImage, cli, version);
  }

  private static String ask(Tool t) {
    try {
      Process p = new ProcessBuilder(t.versionCommand()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        return "no working " + t.versionCommand().get(0) + " on PATH";
      }
      return out.lines().findFirst().orElse(out);
    } catch (IOException e) {
      return "no " + t.versionCommand().get(0) + " on PATH";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
