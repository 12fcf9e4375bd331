package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.MachinePool;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cloud-init user data of a pool's VMs. This is the one place that decides what a VM is told
 * at boot. A warm VM learns its pool and a random key of its own — no Build's data, no token, no
 * cluster or storage credential — so a VM booted ahead of any Build holds nothing a Build could
 * misuse; the key lets only the operator (which can read the VM's cloud-init Secret) hand it a
 * job. A VM booted for one Build also gets that Build's job.json, the same document a build pod
 * gets, and nothing more. The agent baked into the pool's image starts from the settings file.
 */
public final class MachineBootData {
  /** Where the agent in the VM image reads its boot settings. */
  public static final String SETTINGS_PATH = "/etc/circlet/machine.env";
  /** Where a cold-booted VM's job.json is written. */
  public static final String JOB_PATH = "/etc/circlet/build/job.json";
  /** Where a cold-booted VM's build identity token is written (next to job.json, where the agent looks). */
  public static final String TOKEN_PATH = "/etc/circlet/build/token";

  /** The port a warm VM's agent listens on for its job (the agent's own default). */
  public static final int ASSIGN_PORT = 7077;

  private static final String CONTENT = "  content: ";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern KEY = Pattern.compile("(?m)^CIRCLET_MACHINE_KEY=([0-9a-f]{64})$");

  private MachineBootData() {}

  /** User data of a warm VM of the pool, with a fresh assignment key. */
  public static String warm(MachinePool pool) {
    return warm(pool, null, false);
  }

  /**
   * User data of a warm VM that streams to {@code gateway} ({@code host:port}, null for none): the
   * address is no credential; the token comes with the job.
   */
  public static String warm(MachinePool pool, String gateway, boolean plaintext) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return "#cloud-config\n"
        + "write_files:\n"
        + file(SETTINGS_PATH, "0600", settings(pool, gateway, plaintext) + "CIRCLET_MACHINE_KEY="
            + HexFormat.of().formatHex(key) + "\n");
  }

  /** User data of a VM booted for one Build: the agent runs this job.json at once. */
  public static String forBuild(MachinePool pool, String jobJson) {
    return forBuild(pool, jobJson, null, false);
  }

  /** {@link #forBuild(MachinePool, String)} streaming to {@code gateway} once the token is added. */
  public static String forBuild(MachinePool pool, String jobJson, String gateway, boolean plaintext) {
    return "#cloud-config\n"
        + "write_files:\n"
        + file(SETTINGS_PATH, "0600", settings(pool, gateway, plaintext) + "CIRCLET_JOB_FILE=" + JOB_PATH + "\n")
        + file(JOB_PATH, "0600", jobJson);
  }

  /**
   * A Build's user data plus its build identity token, written next to job.json: the last entry of
   * {@code write_files}, so the document stays what {@link #forBuild} wrote.
   */
  public static String withToken(String userData, String token) {
    if (token == null) {
      return userData;
    }
    return userData + file(TOKEN_PATH, "0600", token);
  }

  /** The assignment key in a warm VM's user data, if it has one. */
  public static Optional<String> key(String userData) {
    if (userData == null) {
      return Optional.empty();
    }
    return userData.lines().filter(l -> l.startsWith(CONTENT)).map(l -> {
      try {
        return new String(Base64.getDecoder().decode(l.substring(CONTENT.length()).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return "";
      }
    }).map(KEY::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst();
  }

  private static String settings(MachinePool pool, String gateway, boolean plaintext) {
    String name = pool.getMetadata().getName();
    if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      throw new IllegalArgumentException("machine pool name \"" + name + "\" is not a Kubernetes object name");
    }
    String out = "CIRCLET_MACHINE_POOL=" + name + "\n";
    if (gateway != null && !gateway.isBlank()) {
      if (!gateway.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
        throw new IllegalArgumentException("gateway address \"" + gateway + "\" is not host:port");
      }
      out += "CIRCLET_GATEWAY=" + gateway + "\n" + (plaintext ? "CIRCLET_GATEWAY_PLAINTEXT=true\n" : "");
    }
    return out;
  }

  /** One write_files entry; base64 so that no content can break out of the YAML. */
  private static String file(String path, String permissions, String content) {
    return "- path: " + path + "\n"
        + "  permissions: '" + permissions + "'\n"
        + "  encoding: b64\n"
        + CONTENT + Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)) + "\n";
  }
}
