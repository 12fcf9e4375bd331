package dev.circlet.runner;

import dev.circlet.runner.steps.TestResultsStep;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.testing.TestGlob;
import dev.circlet.runner.testing.TestSplitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Answers the in-job {@code circleci tests glob|split} tool: the sh tool writes {@code
 * DIR/tools/req.<pid>/{args,cwd,node,stdin,ready}} and waits for {@code stdout} and {@code exit}.
 */
public final class ToolServer {
  private final Path toolsDir;
  private final BlobStore store;

  public ToolServer(Path shimDir, BlobStore store) {
    this.toolsDir = shimDir.resolve("tools");
    this.store = store;
  }

  /** Answers every pending request; returns how many. */
  public int poll() {
    if (!Files.isDirectory(toolsDir)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> reqs = Files.list(toolsDir)) {
      for (Path r : reqs.toList()) {
        if (Files.exists(r.resolve("ready")) && !Files.exists(r.resolve("exit"))) {
          answer(r);
          n++;
        }
      }
    } catch (IOException e) {
      return n;
    }
    return n;
  }

  private void answer(Path r) throws IOException {
    String out;
    int code = 0;
    String err = "";
    try {
      out = String.join("\n", handle(Files.readAllLines(r.resolve("args")),
          Path.of(Files.readString(r.resolve("cwd")).strip()), Files.readAllLines(r.resolve("node")),
          Files.exists(r.resolve("stdin")) ? Files.readString(r.resolve("stdin")) : ""));
      if (!out.isEmpty()) {
        out += "\n";
      }
    } catch (IllegalArgumentException | IOException e) {
      out = "";
      err = "circleci: " + e.getMessage() + "\n";
      code = 1;
    }
    Files.writeString(r.resolve("stdout"), out);
    Files.writeString(r.resolve("stderr"), err);
    Files.writeString(r.resolve("exit.tmp"), Integer.toString(code));
    Files.move(r.resolve("exit.tmp"), r.resolve("exit"), StandardCopyOption.ATOMIC_MOVE);
  }

  /** The tool's logic: args as given on the command line, node lines are index, total and job. */
  List<String> handle(List<String> args, Path cwd, List<String> node, String stdin) throws IOException {
    if (args.size() < 2 || !args.get(0).equals("tests")) {
      throw new IllegalArgumentException("usage: circleci tests glob|split ...");
    }
    List<String> rest = args.subList(2, args.size());
    if (args.get(1).equals("glob")) {
      if (rest.isEmpty()) {
        throw new IllegalArgumentException("tests glob needs at least one pattern");
      }
      return TestGlob.glob(cwd, rest);
    }
    Map<String, String> opts = new HashMap<>();
    List<String> files = new ArrayList<>();
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if (a.startsWith("--")) {
        String[] kv = a.substring(2).split("=", 2);
        if (kv.length == 2) {
          opts.put(kv[0], kv[1]);
        } else if (i + 1 < rest.size()) {
          opts.put(kv[0], rest.get(++i));
        }
      } else {
        files.add(a);
      }
    }
    List<String> items = new ArrayList<>();
    if (files.isEmpty()) {
      stdin.lines().map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
    } else {
      for (String f : files) {
        Files.readAllLines(cwd.resolve(f)).stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
      }
    }
    int index = Integer.parseInt(opts.getOrDefault("index", node.size() > 0 ? node.get(0) : "0"));
    int total = Integer.parseInt(opts.getOrDefault("total", node.size() > 1 ? node.get(1) : "1"));
    String by = opts.getOrDefault("split-by", "name");
    return switch (by) {
      case "name" -> TestSplitter.byName(items, index, total);
      case "filesize" -> {
        Map<String, Double> sizes = new HashMap<>();
        for (String i : items) {
          Path p = cwd.resolve(i);
          if (Files.isRegularFile(p)) {
            sizes.put(i, (double) Files.size(p));
          }
        }
        yield TestSplitter.byWeight(items, sizes, index, total);
      }
      case "timings" -> {
        String job = node.size() > 2 ? node.get(2) : "";
        String type = opts.getOrDefault("timings-type", "filename");
        Map<String, Double> t = TestResultsStep.timings(store, job).of(type);
        yield TestSplitter.byWeight(items, t, index, total);
      }
      default -> throw new IllegalArgumentException("unknown --split-by " + by + " (name, filesize, timings)");
    };
  }
}
