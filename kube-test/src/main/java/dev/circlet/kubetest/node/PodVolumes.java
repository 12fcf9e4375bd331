package dev.circlet.kubetest.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a pod's volumes into {@code <pod dir>/volumes/<name>} as a kubelet would mount them:
 * {@code emptyDir} as an empty directory; Secrets, ConfigMaps, downward-API items and projected
 * sources (ServiceAccount tokens from the TokenRequest API, bound to the pod) as files;
 * {@code hostPath} as the host's path itself. Other volume types are refused with a message.
 * Token files are renewed while the pod runs ({@link ProjectedTokens}).
 */
public final class PodVolumes implements PodEnvironment.Lookup {

  /** A volume that cannot be set up yet or at all; the message says why. */
  public static final class MountError extends Exception {
    public MountError(String message) {
      super(message);
    }
  }

  private static final long DEFAULT_TOKEN_SECONDS = 3600;

  private final KubernetesClient client;
  private final TokenRefresh refresh;
  private final Clock clock;

  public PodVolumes(KubernetesClient client) {
    this(client, TokenRefresh.KUBELET, Clock.systemUTC());
  }

  public PodVolumes(KubernetesClient client, TokenRefresh refresh, Clock clock) {
    this.client = client;
    this.refresh = refresh;
    this.clock = clock;
  }

  /** The token files of {@code pod}, empty until {@link #materialise} projects them. */
  ProjectedTokens tokens(Pod pod) {
    return new ProjectedTokens(refresh, clock, source -> token(pod, source));
  }

  @Override
  public Map<String, String> secret(String namespace, String name) {
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    if (s == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      out.putAll(s.getStringData());
    }
    return out;
  }

  @Override
  public Map<String, String> configMap(String namespace, String name) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (cm.getData() != null) {
      out.putAll(cm.getData());
    }
    if (cm.getBinaryData() != null) {
      cm.getBinaryData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v),
          StandardCharsets.UTF_8)));
    }
    return out;
  }

  /**
   * Writes every volume of the pod, registering its token files with {@code tokens}; returns volume
   * name to host directory (or file, for hostPath).
   */
  Map<String, Path> materialise(Pod pod, Path podDir, String hostIp, ProjectedTokens tokens)
      throws MountError, IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    String ns = pod.getMetadata().getNamespace();
    for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      Path dir = podDir.resolve("volumes").resolve(v.getName());
      if (v.getHostPath() != null) {
        out.put(v.getName(), Path.of(v.getHostPath().getPath()));
        continue;
      }
      Files.createDirectories(dir);
      out.put(v.getName(), dir);
      if (v.getEmptyDir() != null) {
        continue;
      }
      if (v.getSecret() != null) {
        var src = v.getSecret();
        Map<String, String> data = secret(ns, src.getSecretName());
        if (data == null && !Boolean.TRUE.equals(src.getOptional())) {
          throw new MountError("volume \"" + v.getName() + "\": secret \"" + src.getSecretName() + "\" not found");
        }
        writeKeys(dir, data, src.getItems(), src.getDefaultMode(), "secret " + src.getSecretName());
      } else if (v.getConfigMap() != null) {
        var src = v.getConfigMap();
        Map<String, String> data = configMap(ns, src.getName());
        if (data == null && !Boolean.TRUE.equals(src.getOptional())) {
          throw new MountError("volume \"" + v.getName() + "\": configmap \"" + src.getName() + "\" not found");
        }
        writeKeys(dir, data, src.getItems(), src.getDefaultMode(), "configmap " + src.getName());
      } else if (v.getDownwardAPI() != null) {
        writeDownward(dir, pod, v.getDownwardAPI().getItems(), v.getDownwardAPI().getDefaultMode(), hostIp);
      } else if (v.getProjected() != null) {
        Integer mode = v.getProjected().getDefaultMode();
        for (VolumeProjection p : v.getProjected().getSources()) {
          projection(dir, pod, v.getName(), p, mode, hostIp, tokens);
        }
      } else {
        throw new MountError("volume \"" + v.getName() + "\": only emptyDir, hostPath, secret, configMap, downwardAPI"
            + " and projected volumes run on the process node");
      }
    }
    return out;
  }

  private void projection(Path dir, Pod pod, String volume, VolumeProjection p, Integer mode, String hostIp,
      ProjectedTokens tokens) throws MountError, IOException {
    String ns = pod.getMetadata().getNamespace();
    if (p.getSecret() != null) {
      Map<String, String> data = secret(ns, p.getSecret().getName());
      if (data == null && !Boolean.TRUE.equals(p.getSecret().getOptional())) {
        throw new MountError("volume \"" + volume + "\": secret \"" + p.getSecret().getName() + "\" not found");
      }
      writeKeys(dir, data, p.getSecret().getItems(), mode, "secret " + p.getSecret().getName());
    } else if (p.getConfigMap() != null) {
      Map<String, String> data = configMap(ns, p.getConfigMap().getName());
      if (data == null && !Boolean.TRUE.equals(p.getConfigMap().getOptional())) {
        throw new MountError("volume \"" + volume + "\": configmap \"" + p.getConfigMap().getName() + "\" not found");
      }
      writeKeys(dir, data, p.getConfigMap().getItems(), mode, "configmap " + p.getConfigMap().getName());
    } else if (p.getDownwardAPI() != null) {
      writeDownward(dir, pod, p.getDownwardAPI().getItems(), mode, hostIp);
    } else if (p.getServiceAccountToken() != null) {
      ServiceAccountTokenProjection t = p.getServiceAccountToken();
      tokens.mount(inside(dir, t.getPath()), mode == null ? 0644 : mode, new ProjectedTokens.Source(
          t.getAudience() == null ? "" : t.getAudience(),
          t.getExpirationSeconds() == null ? DEFAULT_TOKEN_SECONDS : t.getExpirationSeconds()));
    } else {
      throw new MountError("volume \"" + volume + "\": unsupported projected source");
    }
  }

  /**
   * A token for the pod's ServiceAccount from the TokenRequest API, with the projection's audience
   * and expiry, bound to the pod (it stops being valid when the pod is deleted).
   */
  ProjectedTokens.Issued token(Pod pod, ProjectedTokens.Source t) throws MountError {
    String sa = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
    TokenRequest request = new TokenRequestBuilder()
        .withNewSpec()
        .withAudiences(t.audience().isEmpty() ? List.of() : List.of(t.audience()))
        .withExpirationSeconds(t.expirationSeconds())
        .withBoundObjectRef(new BoundObjectReference("v1", "Pod", pod.getMetadata().getName(),
            pod.getMetadata().getUid()))
        .endSpec()
        .build();
    try {
      TokenRequest answer = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(sa)
          .tokenRequest(request);
      String expires = answer.getStatus().getExpirationTimestamp();
      return new ProjectedTokens.Issued(answer.getStatus().getToken(), expires == null
          ? clock.instant().plusSeconds(t.expirationSeconds()) : Instant.parse(expires));
    } catch (RuntimeException e) {
      throw new MountError("token for service account \"" + sa + "\": " + e.getMessage());
    }
  }

  private static void writeDownward(Path dir, Pod pod, List<DownwardAPIVolumeFile> items, Integer mode,
      String hostIp) throws MountError, IOException {
    for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
      String value;
      try {
        if (item.getFieldRef() != null) {
          value = PodEnvironment.field(pod, item.getFieldRef(), hostIp);
        } else if (item.getResourceFieldRef() != null) {
          var container = pod.getSpec().getContainers().stream()
              .filter(c -> c.getName().equals(item.getResourceFieldRef().getContainerName())).findFirst()
              .orElseThrow(() -> new PodEnvironment.ConfigError("no container "
                  + item.getResourceFieldRef().getContainerName()));
          value = PodEnvironment.resource(container, item.getResourceFieldRef());
        } else {
          continue;
        }
      } catch (PodEnvironment.ConfigError e) {
        throw new MountError("downwardAPI item " + item.getPath() + ": " + e.getMessage());
      }
      write(dir, item.getPath(), value == null ? "" : value, item.getMode() != null ? item.getMode()
          : mode == null ? 0644 : mode);
    }
  }

  private static void writeKeys(Path dir, Map<String, String> data, List<KeyToPath> items, Integer defaultMode,
      String what) throws MountError, IOException {
    if (data == null) {
      return;
    }
    int mode = defaultMode == null ? 0644 : defaultMode;
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> e : data.entrySet()) {
        write(dir, e.getKey(), e.getValue(), mode);
      }
      return;
    }
    for (KeyToPath item : items) {
      if (!data.containsKey(item.getKey())) {
        throw new MountError(what + ": no key " + item.getKey());
      }
      write(dir, item.getPath(), data.get(item.getKey()), item.getMode() == null ? mode : item.getMode());
    }
  }

  private static Path inside(Path dir, String relative) throws MountError {
    Path file = dir.resolve(relative).normalize();
    if (!file.startsWith(dir) || relative.startsWith("/")) {
      throw new MountError("path " + relative + " leaves its volume");
    }
    return file;
  }

  private static void write(Path dir, String relative, String content, int mode) throws MountError, IOException {
    Path file = inside(dir, relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, permissions(mode));
    } catch (UnsupportedOperationException ignored) {
      // a file system without POSIX permissions: the content is what matters for tests
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(order[i]);
      }
    }
    return set;
  }
}
