package dev.circlet.runner.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where jobs run: {@code --engine docker|podman} (it must answer), {@code shell}, or by default the
 * first of docker and podman that answers, else this machine's shell with a notice saying why.
 *
 * @param engine null for shell mode
 * @param notice a line for the user (once per run), or null
 */
public record EngineChoice(ContainerEngine engine, String notice) {
  public boolean shell() {
    return engine == null;
  }

  /**
   * @param requested docker, podman, shell, auto or null (auto)
   * @param path the {@code PATH} to search
   * @throws IllegalArgumentException for an unknown name or a named engine that does not answer
   */
  public static EngineChoice choose(String requested, String path) {
    String r = requested == null ? "auto" : requested.strip().toLowerCase(java.util.Locale.ROOT);
    if (r.equals("shell")) {
      return new EngineChoice(null, null);
    }
    if (ContainerEngine.KNOWN.contains(r)) {
      Optional<java.nio.file.Path> exe = ContainerEngine.onPath(r, path);
      if (exe.isEmpty()) {
        throw new IllegalArgumentException("--engine " + r + ": no " + r + " on PATH");
      }
      ContainerEngine e = new ContainerEngine(r, exe.get());
      ContainerEngine.Answer a = e.probe();
      if (!a.ok()) {
        throw new IllegalArgumentException("--engine " + r + ": " + r + " does not answer (" + r + " info: "
            + ErrorText.shorten(firstLine(a.output())) + "); use --engine shell to run in this machine's shell");
      }
      return new EngineChoice(e, null);
    }
    if (!r.equals("auto")) {
      throw new IllegalArgumentException("--engine must be docker, podman or shell, got: " + requested);
    }
    List<String> why = new ArrayList<>();
    for (String name : ContainerEngine.KNOWN) {
      Optional<java.nio.file.Path> exe = ContainerEngine.onPath(name, path);
      if (exe.isEmpty()) {
        why.add(name + " not installed");
        continue;
      }
      ContainerEngine e = new ContainerEngine(name, exe.get());
      ContainerEngine.Answer a = e.probe();
      if (a.ok()) {
        return new EngineChoice(e, "jobs run in their images with " + name + " (" + exe.get() + ")");
      }
      why.add(name + " does not answer: " + ErrorText.shorten(firstLine(a.output())));
    }
    return new EngineChoice(null, "no container engine answered (" + String.join("; ", why)
        + "): jobs run in this machine's shell, not in their images (choose with --engine)");
  }

  private static String firstLine(String s) {
    if (s == null || s.isBlank()) {
      return "no output";
    }
    return s.strip().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
  }
}
