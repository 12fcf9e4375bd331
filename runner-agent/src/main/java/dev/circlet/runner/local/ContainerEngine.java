package dev.circlet.runner.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Docker or Podman command-line engine: finds it on {@code PATH}, asks whether it answers, and
 * starts and removes a job node's containers with {@link EngineCommands}.
 */
public final class ContainerEngine {
  /** Engines tried, in order, when none is chosen. */
  public static final List<String> KNOWN = List.of("docker", "podman");

  private static final Duration PROBE = Duration.ofSeconds(15);
  private static final Duration PULL = Duration.ofMinutes(20);
  private static final Duration CALL = Duration.ofMinutes(2);

  /** Exit code and combined output of one engine command. */
  public record Answer(int code, String output) {
    public boolean ok() {
      return code == 0;
    }
  }

  private final String name;
  private final Path executable;
  private final EngineCommands commands;

  public ContainerEngine(String name, Path executable) {
    this.name = name;
    this.executable = executable;
    this.commands = new EngineCommands(executable.toString());
  }

  public String name() {
    return name;
  }

  public Path executable() {
    return executable;
  }

  public EngineCommands commands() {
    return commands;
  }

  /** The first executable file called {@code name} in a {@code PATH} value. */
  public static Optional<Path> onPath(String name, String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether the engine's service answers ({@code info} exits 0); the answer says why not. */
  public Answer probe() {
    return call(commands.probe(), PROBE);
  }

  /** Pulls the image unless the engine has it; {@code say} hears about a pull before it starts. */
  public void ensureImage(String image, Consumer<String> say) throws IOException {
    if (call(commands.imagePresent(image), CALL).ok()) {
      return;
    }
    say.accept("pulling image " + image + " with " + name);
    Answer a = call(commands.pull(image), PULL);
    if (!a.ok()) {
      throw new IOException(name + " could not pull " + image + ": " + ErrorText.shorten(a.output()));
    }
  }

  /** Creates the node's network and starts the primary (running the shim) and the services. */
  public void start(EngineCommands.Node node) throws IOException {
    check(commands.createNetwork(node), "create the network " + EngineCommands.network(node));
    check(commands.primary(node), "start " + node.images().get(0).image());
    for (int i = 1; i < node.images().size(); i++) {
      check(commands.service(node, i), "start the service container " + node.images().get(i).image());
    }
  }

  /** Whether the primary container is still running (false when the engine says otherwise or nothing). */
  public boolean running(EngineCommands.Node node) {
    Answer a = call(commands.running(node), CALL);
    return a.ok() && a.output().strip().equals("true");
  }

  /** The primary's log, for the message when its shim never became ready. */
  public String logs(EngineCommands.Node node) {
    return call(commands.logs(node), CALL).output();
  }

  /** Waits for the primary to exit after the shim was told {@code done}; its exit code, or -1. */
  public int awaitExit(EngineCommands.Node node, Duration timeout) {
    Answer a = call(commands.waitFor(node), timeout);
    try {
      return a.ok() ? Integer.parseInt(a.output().strip()) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Removes the node's containers and network; what is already gone is no error. */
  public void remove(EngineCommands.Node node) {
    call(commands.remove(node), CALL);
    call(commands.removeNetwork(node), CALL);
  }

  private void check(List<String> cmd, String what) throws IOException {
    Answer a = call(cmd, CALL);
    if (!a.ok()) {
      throw new IOException(name + " could not " + what + " (exit " + a.code() + "): " + ErrorText.shorten(a.output()));
    }
  }

  /** Runs one engine command; a timeout or a failure to start is an answer with code -1. */
  Answer call(List<String> cmd, Duration timeout) {
    try {
      Path out = Files.createTempFile("circlet-engine", ".out");
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Answer(-1, String.join(" ", cmd.subList(1, cmd.size())) + ": no answer within "
              + timeout.toSeconds() + "s");
        }
        return new Answer(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Answer(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    }
  }
}
