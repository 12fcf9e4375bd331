package dev.circlet.runner;

import dev.circlet.runner.steps.TestResultsStep;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.testing.TestGlob;
import dev.circlet.runner.testing.TestSplitter;
import dev.circlet.runner.volume.Volume;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers the in-job {@code circleci tests glob|split} tool: the sh tool writes {@code
 * DIR/tools/req.<pid>/{args,cwd,node,stdin,ready}} and waits for {@code stdout} and {@code exit}.
 *
 * <p>The request comes from the job's code, so it is read and answered through held directories
 * without following links, and every path it names (working directory, file arguments, glob
 * roots) must lie inside the project {@link Volume}: the agent's own files (clone credentials,
 * the build token, {@code /proc/self/environ}) are out of its reach. Timings are those of the
 * agent's own job, whatever the request says.
 */
public final class ToolServer {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private final Path shimDir;
  private final BlobStore store;
  private final Volume volume;
  private final String job;
  private final String workflowId;

  public ToolServer(Path shimDir, BlobStore store, Volume volume, String job, String workflowId) {
    this.shimDir = shimDir;
    this.store = store;
    this.volume = volume;
    this.job = job;
    this.workflowId = workflowId;
  }

  /** Answers every pending request; returns how many. */
  public int poll() {
    int n = 0;
    try (DirectoryStream<Path> top0 = Files.newDirectoryStream(shimDir)) {
      if (!(top0 instanceof SecureDirectoryStream<Path> top) || !isDir(top, Path.of("tools"))) {
        return 0;
      }
      try (SecureDirectoryStream<Path> tools = top.newDirectoryStream(Path.of("tools"), NOFOLLOW)) {
        for (Path r : Volume.names(tools)) {
          if (!isDir(tools, r)) {
            continue;
          }
          try (SecureDirectoryStream<Path> req = tools.newDirectoryStream(r, NOFOLLOW)) {
            if (Volume.stat(req, Path.of("ready")) != null && Volume.stat(req, Path.of("exit")) == null) {
              answer(req);
              n++;
            }
          } catch (IOException e) {
            // a request the job's code broke or raced: it gets no answer, the others do
          }
        }
      }
    } catch (IOException e) {
      return n;
    }
    return n;
  }

  private static boolean isDir(SecureDirectoryStream<Path> d, Path name) throws IOException {
    PosixFileAttributes a = Volume.stat(d, name);
    return a != null && a.isDirectory();
  }

  private void answer(SecureDirectoryStream<Path> r) throws IOException {
    String out;
    int code = 0;
    String err = "";
    try {
      out = String.join("\n", handle(read(r, "args").lines().toList(), Path.of(read(r, "cwd").strip()),
          read(r, "node").lines().toList(),
          Volume.stat(r, Path.of("stdin")) != null ? read(r, "stdin") : ""));
      if (!out.isEmpty()) {
        out += "\n";
      }
    } catch (IllegalArgumentException | IOException e) {
      out = "";
      err = "circleci: " + e.getMessage() + "\n";
      code = 1;
    }
    write(r, "stdout", out);
    write(r, "stderr", err);
    write(r, "exit.tmp", Integer.toString(code));
    r.move(Path.of("exit.tmp"), r, Path.of("exit"));
  }

  private static String read(SecureDirectoryStream<Path> d, String name) throws IOException {
    try (SeekableByteChannel ch = Volume.openRegular(d, Path.of(name), Path.of(name))) {
      return new String(Channels.newInputStream(ch).readNBytes(16 << 20), StandardCharsets.UTF_8);
    }
  }

  private static void write(SecureDirectoryStream<Path> d, String name, String text) throws IOException {
    Volume.deleteIn(d, Path.of(name));
    try (SeekableByteChannel ch = d.newByteChannel(Path.of(name), Set.of(StandardOpenOption.WRITE,
        StandardOpenOption.CREATE_NEW, NOFOLLOW))) {
      Channels.newOutputStream(ch).write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The tool's logic: args as given on the command line, node lines are index and total. */
  List<String> handle(List<String> args, Path cwd, List<String> node, String stdin) throws IOException {
    if (!cwd.isAbsolute()) {
      throw new IllegalArgumentException("the working directory of the request is not absolute: " + cwd);
    }
    cwd = volume.confine(cwd);
    if (args.size() < 2 || !args.get(0).equals("tests")) {
      throw new IllegalArgumentException("usage: circleci tests glob|split ...");
    }
    List<String> rest = args.subList(2, args.size());
    if (args.get(1).equals("glob")) {
      if (rest.isEmpty()) {
        throw new IllegalArgumentException("tests glob needs at least one pattern");
      }
      for (String pattern : rest) {
        // the directory a pattern starts from must be on the volume; a glob reads names only
        volume.confine(cwd.resolve(TestGlob.literalDir(pattern)));
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
        new String(volume.readAllBytes(cwd.resolve(f)), StandardCharsets.UTF_8).lines().map(String::strip)
            .filter(s -> !s.isEmpty()).forEach(items::add);
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
          long size = volume.size(cwd.resolve(i));
          if (size >= 0) {
            sizes.put(i, (double) size);
          }
        }
        yield TestSplitter.byWeight(items, sizes, index, total);
      }
      case "timings" -> {
        String type = opts.getOrDefault("timings-type", "filename");
        Map<String, Double> t = TestResultsStep.timings(store, job, workflowId).of(type);
        yield TestSplitter.byWeight(items, t, index, total);
      }
      default -> throw new IllegalArgumentException("unknown --split-by " + by + " (name, filesize, timings)");
    };
  }
}
