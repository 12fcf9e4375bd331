package dev.circlet.kubetest.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as a kubelet builds it: {@code envFrom} sources, then {@code env} in
 * order, with {@code valueFrom} (fieldRef, resourceFieldRef, secretKeyRef, configMapKeyRef) and
 * {@code $(VAR)} references to variables defined before. Pure apart from the {@link Lookup}.
 */
public final class PodEnvironment {

  /** Reads Secret and ConfigMap data (decoded); null when the object or key does not exist. */
  public interface Lookup {
    Map<String, String> secret(String namespace, String name);

    Map<String, String> configMap(String namespace, String name);
  }

  /** A variable that cannot be resolved; the container cannot start ({@code CreateContainerConfigError}). */
  public static final class ConfigError extends Exception {
    public ConfigError(String message) {
      super(message);
    }
  }

  private static final Pattern REF = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");
  private static final Pattern LABEL_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

  private final Lookup lookup;

  public PodEnvironment(Lookup lookup) {
    this.lookup = lookup;
  }

  /** The container's variables, in definition order. */
  public Map<String, String> resolve(Pod pod, Container container, String hostIp) throws ConfigError {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : nullToEmpty(container.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, String> data;
      boolean optional;
      String what;
      if (from.getSecretRef() != null) {
        data = lookup.secret(ns, from.getSecretRef().getName());
        optional = Boolean.TRUE.equals(from.getSecretRef().getOptional());
        what = "secret \"" + from.getSecretRef().getName() + "\"";
      } else if (from.getConfigMapRef() != null) {
        data = lookup.configMap(ns, from.getConfigMapRef().getName());
        optional = Boolean.TRUE.equals(from.getConfigMapRef().getOptional());
        what = "configmap \"" + from.getConfigMapRef().getName() + "\"";
      } else {
        continue;
      }
      if (data == null) {
        if (optional) {
          continue;
        }
        throw new ConfigError(what + " not found");
      }
      data.forEach((k, v) -> env.put(prefix + k, v));
    }
    for (EnvVar var : nullToEmpty(container.getEnv())) {
      String value;
      if (var.getValueFrom() != null) {
        value = valueFrom(pod, container, var, hostIp);
        if (value == null) {
          continue; // an optional reference to something missing: the variable is not set
        }
      } else {
        value = expand(var.getValue() == null ? "" : var.getValue(), env);
      }
      env.put(var.getName(), value);
    }
    return env;
  }

  /** {@code $(NAME)} replaced by a defined variable's value ({@code $$} is a literal {@code $}); others left. */
  public static String expand(String s, Map<String, String> vars) {
    Matcher m = REF.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String rep;
      if (m.group(1) == null) {
        rep = "$";
      } else {
        rep = vars.containsKey(m.group(1)) ? vars.get(m.group(1)) : m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(rep));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String valueFrom(Pod pod, Container container, EnvVar var, String hostIp) throws ConfigError {
    EnvVarSource src = var.getValueFrom();
    String ns = pod.getMetadata().getNamespace();
    if (src.getFieldRef() != null) {
      return field(pod, src.getFieldRef(), hostIp);
    }
    if (src.getResourceFieldRef() != null) {
      return resource(container, src.getResourceFieldRef());
    }
    if (src.getSecretKeyRef() != null) {
      var ref = src.getSecretKeyRef();
      return key(lookup.secret(ns, ref.getName()), "secret", ref.getName(), ref.getKey(),
          Boolean.TRUE.equals(ref.getOptional()));
    }
    if (src.getConfigMapKeyRef() != null) {
      var ref = src.getConfigMapKeyRef();
      return key(lookup.configMap(ns, ref.getName()), "configmap", ref.getName(), ref.getKey(),
          Boolean.TRUE.equals(ref.getOptional()));
    }
    throw new ConfigError("env " + var.getName() + ": unsupported valueFrom");
  }

  private static String key(Map<String, String> data, String kind, String name, String key, boolean optional)
      throws ConfigError {
    if (data == null) {
      if (optional) {
        return null;
      }
      throw new ConfigError(kind + " \"" + name + "\" not found");
    }
    if (!data.containsKey(key)) {
      if (optional) {
        return null;
      }
      throw new ConfigError("couldn't find key " + key + " in " + kind + " " + name);
    }
    return data.get(key);
  }

  /** The value of a downward-API field path, as for env and downwardAPI volumes. */
  public static String field(Pod pod, ObjectFieldSelector ref, String hostIp) throws ConfigError {
    String path = ref.getFieldPath();
    var meta = pod.getMetadata();
    switch (path) {
      case "metadata.name": return meta.getName();
      case "metadata.namespace": return meta.getNamespace();
      case "metadata.uid": return meta.getUid();
      case "spec.nodeName": return pod.getSpec().getNodeName();
      case "spec.serviceAccountName": return pod.getSpec().getServiceAccountName();
      case "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs": return hostIp;
      case "metadata.labels": return keyValues(meta.getLabels());
      case "metadata.annotations": return keyValues(meta.getAnnotations());
      default:
        Matcher m = LABEL_FIELD.matcher(path);
        if (m.matches()) {
          Map<String, String> map = "labels".equals(m.group(1)) ? meta.getLabels() : meta.getAnnotations();
          return map == null ? "" : map.getOrDefault(m.group(2), "");
        }
        throw new ConfigError("unsupported fieldRef " + path);
    }
  }

  /** {@code key="value"} lines, sorted by key, as a downwardAPI volume writes labels and annotations. */
  static String keyValues(Map<String, String> map) {
    if (map == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    map.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(sb.isEmpty() ? "" : "\n")
        .append(e.getKey()).append("=\"").append(e.getValue().replace("\"", "\\\"")).append('"'));
    return sb.toString();
  }

  /** A container's request or limit (limits fall back to requests, then to "0"), divided by the divisor. */
  public static String resource(Container container, ResourceFieldSelector ref) throws ConfigError {
    String r = ref.getResource();
    var res = container.getResources();
    Map<String, Quantity> limits = res == null || res.getLimits() == null ? Map.of() : res.getLimits();
    Map<String, Quantity> requests = res == null || res.getRequests() == null ? Map.of() : res.getRequests();
    String[] parts = r.split("\\.", 2);
    if (parts.length != 2 || !List.of("limits", "requests").contains(parts[0])) {
      throw new ConfigError("unsupported resourceFieldRef " + r);
    }
    Quantity q = "limits".equals(parts[0])
        ? limits.getOrDefault(parts[1], requests.get(parts[1]))
        : requests.get(parts[1]);
    if (q == null) {
      return "0";
    }
    BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : Quantity.getAmountInBytes(ref.getDivisor());
    BigDecimal value = Quantity.getAmountInBytes(q).divide(divisor, 0, RoundingMode.CEILING);
    return value.toPlainString();
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
