package dev.circlet.operator.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A flame-graph-style summary of a flight recording's execution samples: the share of samples
 * with each area of the operator on the stack (inclusive, so rows overlap), the share of samples
 * per thread group, and the top frames by self and by inclusive samples. Proportions only: on a
 * shared machine absolute rates mean little, shares of one recording do.
 *
 * <p>Usage: {@code JfrSummary RECORDING.jfr [--top 20] [--from-seconds S] [--from-operator-start]}:
 * samples before S seconds into the recording, or before the first sample in a Build reconcile
 * (the benchmark's raw-pod phase and the control plane's start), are left out.
 */
public final class JfrSummary {
  private JfrSummary() {}

  /** Areas by a frame prefix ({@code class.method} or a package); the first matching frame counts once per sample. */
  static final Map<String, List<String>> AREAS = new LinkedHashMap<>();

  static {
    AREAS.put("Jackson (de)serialisation, all threads", List.of("com.fasterxml.jackson."));
    AREAS.put("watch event decoding (pods, Builds)", List.of("io.fabric8.kubernetes.client.dsl.internal.AbstractWatchManager.onMessage"));
    AREAS.put("TLS decryption (SslHandler.unwrap)", List.of("io.netty.handler.ssl.SslHandler.unwrap"));
    AREAS.put("TLS encryption (SslHandler.wrap)", List.of("io.netty.handler.ssl.SslHandler.wrap"));
    AREAS.put("TLS handshakes (handshake messages, key exchange)", List.of("sun.security.ssl.TransportContext.dispatch",
        "sun.security.ssl.SSLEngineImpl$DelegatedTask", "sun.security.ssl.SSLEngineImpl.beginHandshake"));
    AREAS.put("reflective calls (Method.invoke, Constructor.newInstance), mostly Jackson's property access", List.of(
        "jdk.internal.reflect.DirectMethodHandleAccessor.invoke", "jdk.internal.reflect.DirectConstructorHandleAccessor.newInstance"));
    AREAS.put("informer event handling (Fabric8 processor, JOSDK event sources)", List.of(
        "io.fabric8.kubernetes.client.informers.impl.cache.ProcessorListener",
        "io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource.on",
        "io.javaoperatorsdk.operator.processing.event.source.controller.ControllerEventSource.on",
        "io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource.on"));
    AREAS.put("cache trimming (CacheTrimming)", List.of("dev.circlet.operator.runtime.CacheTrimming."));
    AREAS.put("reconcile scheduling (JOSDK EventProcessor)", List.of("io.javaoperatorsdk.operator.processing.event.EventProcessor."));
    AREAS.put("BuildReconciler.reconcile", List.of("dev.circlet.operator.reconciler.BuildReconciler.reconcile"));
    AREAS.put("  pod create (BuildLauncher.launch)", List.of("dev.circlet.operator.reconciler.BuildLauncher.launch"));
    AREAS.put("  BuildPodFactory.pod", List.of("dev.circlet.operator.pod.BuildPodFactory.pod"));
    AREAS.put("  StatusWriter.write", List.of("dev.circlet.operator.status.StatusWriter.write"));
    AREAS.put("  status copy / comparison (StatusWriter.copy, same)", List.of(
        "dev.circlet.operator.status.StatusWriter.copy", "dev.circlet.operator.status.StatusWriter.same"));
    AREAS.put("  admission (BuildAdmission, AdmissionQueue)", List.of("dev.circlet.operator.reconciler.BuildAdmission.",
        "dev.circlet.operator.admission.AdmissionQueue."));
    AREAS.put("OrganizationReconciler.reconcile", List.of("dev.circlet.operator.reconciler.OrganizationReconciler.reconcile"));
    AREAS.put("WorkflowReconciler.reconcile", List.of("dev.circlet.operator.reconciler.WorkflowReconciler.reconcile"));
    AREAS.put("HTTP client requests (Fabric8 StandardHttpClient)", List.of("io.fabric8.kubernetes.client.http.StandardHttpClient."));
    AREAS.put("logging", List.of("org.jboss.logmanager.", "org.slf4j.", "org.jboss.logging."));
    AREAS.put("benchmark's own client creating Builds", List.of("dev.circlet.operator.bench."));
  }

  /** A frame of every Build reconcile: its first sample marks the operator's start. */
  static final String RECONCILE = "dev.circlet.operator.reconciler.BuildReconciler.reconcile";

  /** Thread groups by a name prefix. */
  static final Map<String, String> THREADS = new LinkedHashMap<>();

  static {
    THREADS.put("vert.x-eventloop", "Vert.x event loops (HTTP client I/O)");
    THREADS.put("ReconcilerExecutor", "JOSDK reconcile threads");
    THREADS.put("informer", "informer threads");
    THREADS.put("pool-", "unnamed pools: JOSDK's reconcile threads and the benchmark's client");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: JfrSummary RECORDING.jfr [--top 20] [--from-seconds S]");
    }
    int top = 20;
    double fromSeconds = 0;
    boolean fromOperator = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--top" -> top = Integer.parseInt(args[++i]);
        case "--from-seconds" -> fromSeconds = Double.parseDouble(args[++i]);
        case "--from-operator-start" -> fromOperator = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, Integer> area = new LinkedHashMap<>();
    AREAS.keySet().forEach(k -> area.put(k, 0));
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int samples = 0;
    // Two passes, each event used while it is read: the parser resolves frames and threads
    // lazily against constant pools that a later chunk replaces.
    java.time.Instant first = null;
    java.time.Instant operatorStart = null;
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        if (first == null || e.getStartTime().isBefore(first)) {
          first = e.getStartTime();
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st != null && (operatorStart == null || e.getStartTime().isBefore(operatorStart))
            && st.getFrames().stream().anyMatch(f -> name(f).startsWith(RECONCILE))) {
          operatorStart = e.getStartTime();
        }
      }
    }
    if (first == null) {
      System.out.println(args[0] + ": no execution samples");
      return;
    }
    java.time.Instant from = fromOperator && operatorStart != null ? operatorStart : first;
    from = from.plusMillis((long) (fromSeconds * 1000));
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStartTime().isBefore(from)) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        RecordedThread thread = e.getThread("sampledThread");
        String tname = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
        threads.merge(THREADS.entrySet().stream().filter(t -> tname.startsWith(t.getKey())).map(Map.Entry::getValue)
            .findFirst().orElse("other threads"), 1, Integer::sum);
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String n = name(f);
          if (seen.add(n)) {
            inclusive.merge(n, 1, Integer::sum);
          }
        }
        for (var a : AREAS.entrySet()) {
          if (seen.stream().anyMatch(n -> a.getValue().stream().anyMatch(n::startsWith))) {
            area.merge(a.getKey(), 1, Integer::sum);
          }
        }
      }
    }
    System.out.printf("%s: %d execution samples%n%n| where (inclusive: a sample counts in every row on its stack) | share |%n"
        + "|---|---|%n", args[0], samples);
    int n = samples;
    area.forEach((k, v) -> System.out.printf("| %s | %.1f %% |%n", k, 100.0 * v / n));
    System.out.printf("%n| thread group | share |%n|---|---|%n");
    threads.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(t -> System.out.printf("| %s | %.1f %% |%n", t.getKey(), 100.0 * t.getValue() / n));
    System.out.printf("%ntop frames by self samples:%n");
    self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(t -> System.out.printf("  %5.1f %%  %s%n", 100.0 * t.getValue() / n, t.getKey()));
    System.out.printf("%ntop Circlet frames by inclusive samples:%n");
    inclusive.entrySet().stream().filter(t -> t.getKey().startsWith("dev.circlet.operator.")
            && !t.getKey().startsWith("dev.circlet.operator.bench."))
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(t -> System.out.printf("  %5.1f %%  %s%n", 100.0 * t.getValue() / n, t.getKey()));
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
