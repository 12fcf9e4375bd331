package dev.circlet.api.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Deterministic names of the objects Circlet creates, valid as DNS-1123 labels.
 *
 * <p>Names are derived, never random, so a reconcile after a restart or against a stale cache
 * computes the same name and meets {@code AlreadyExists} instead of creating a duplicate. When
 * the input is not already a valid name (upper case, underscores, too long), the name is
 * sanitised and a hash of the original input is appended, so two inputs that sanitise to the
 * same text still get different names.
 */
public final class Names {
  /** Longest DNS-1123 label; also the longest label value and the longest pod hostname. */
  public static final int MAX_LABEL = 63;

  /** Longest DNS-1123 subdomain (Secret names). */
  public static final int MAX_SUBDOMAIN = 253;

  static final int HASH_LENGTH = 8;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  private Names() {}

  /**
   * Name of the Build of one job of a workflow run: {@code <workflow>-<job>[-<index>]-<hash>}. The
   * readable part alone is ambiguous (job {@code test-0} and node 0 of a parallel {@code test};
   * workflow {@code w} with job {@code a-b} and workflow {@code w-a} with job {@code b}), so the
   * hash of the exact (workflow, job, index) tuple always follows it.
   */
  public static String build(
      String workflowName, String jobName, Integer parallelIndex, int parallelTotal) {
    StringBuilder raw = new StringBuilder(workflowName).append('-').append(jobName);
    Integer index = null;
    if (parallelTotal > 1) {
      if (parallelIndex == null || parallelIndex < 0 || parallelIndex >= parallelTotal) {
        throw new IllegalArgumentException(
            "parallel index " + parallelIndex + " is outside 0.." + (parallelTotal - 1));
      }
      raw.append('-').append(parallelIndex);
      index = parallelIndex;
    }
    return tupleName(raw.toString(), MAX_LABEL, "build", workflowName, jobName, index == null ? "" : index.toString());
  }

  /**
   * Name of the Pod of a Build. It equals the Build's name (different kinds never clash), which
   * lets {@code kubectl logs <build>} work and keeps the hostname within 63 characters.
   */
  public static String pod(String buildName) {
    return dnsLabel(buildName, MAX_LABEL);
  }

  /**
   * Name of the Workflow run of one workflow for one pipeline number:
   * {@code <pipeline>-<number>-<workflow>-<hash>}, the hash of the exact tuple keeping pipeline
   * {@code a-1} run 2 apart from pipeline {@code a} run 1 of workflow {@code 2-x}.
   */
  public static String workflow(String pipeline, long number, String workflowName) {
    return tupleName(pipeline + "-" + number + "-" + workflowName, MAX_LABEL, "workflow", pipeline,
        Long.toString(number), workflowName);
  }

  /**
   * The sanitised readable text, truncated to leave room for '-' and a hash of the parts encoded
   * without ambiguity (each part prefixed by its length).
   */
  private static String tupleName(String readable, int max, String... parts) {
    if (readable == null || readable.isEmpty()) {
      throw new IllegalArgumentException("a name needs a non-empty input");
    }
    StringBuilder identity = new StringBuilder();
    for (String part : parts) {
      String p = part == null ? "" : part;
      identity.append(p.length()).append(':').append(p).append(';');
    }
    return withHash(sanitise(readable), identity.toString(), max);
  }

  /**
   * A label value for an arbitrary string. A value that is already valid (63 characters at most,
   * alphanumerics, '-', '_', '.') is kept as is, so selectors on job or organization names read
   * naturally; anything else is sanitised to lower-case {@code [a-z0-9-]} with a hash suffix.
   */
  public static String labelValue(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    if (value.length() <= MAX_LABEL && LABEL_VALUE.matcher(value).matches()) {
      return value;
    }
    return withHash(sanitise(value), value, MAX_LABEL);
  }

  /** A container name (DNS-1123 label) for a service image's {@code name}, e.g. {@code Postgres_DB}. */
  public static String containerName(String raw) {
    return dnsLabel(raw, MAX_LABEL);
  }

  /** Whether {@code name} is a valid DNS-1123 label. */
  public static boolean isDnsLabel(String name) {
    return name != null && name.length() <= MAX_LABEL && DNS_LABEL.matcher(name).matches();
  }

  /**
   * {@code raw} when it is already a valid name of at most {@code max} characters; otherwise the
   * sanitised text, truncated to leave room for '-' and a hash of {@code raw}.
   */
  static String dnsLabel(String raw, int max) {
    if (raw == null || raw.isEmpty()) {
      throw new IllegalArgumentException("a name needs a non-empty input");
    }
    String clean = sanitise(raw);
    if (clean.equals(raw) && raw.length() <= max) {
      return raw;
    }
    return withHash(clean, raw, max);
  }

  private static String withHash(String clean, String raw, int max) {
    String hash = hash(raw);
    int room = max - HASH_LENGTH - 1;
    String base = clean.length() > room ? clean.substring(0, room) : clean;
    base = trimDashes(base);
    return base.isEmpty() ? hash : base + "-" + hash;
  }

  /** Lower case, every character outside [a-z0-9] becomes '-', runs of '-' collapse, ends trimmed. */
  static String sanitise(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    boolean dash = false;
    for (char c : raw.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (ok) {
        out.append(c);
        dash = false;
      } else if (!dash) {
        out.append('-');
        dash = true;
      }
    }
    return trimDashes(out.toString());
  }

  private static String trimDashes(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '-') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '-') {
      end--;
    }
    return s.substring(start, end);
  }

  /** First hex digits of the SHA-256 of the original input: stable across JVMs and releases. */
  static String hash(String raw) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
