package dev.circlet.charts;

import static dev.circlet.charts.Manifests.as;
import static dev.circlet.charts.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable the chart gives the operator and the gateway names a setting the
 * component reads: a property of one of its configuration interfaces (in Quarkus' environment
 * form, {@code circlet.gateway.broker.virtual-host} → {@code CIRCLET_GATEWAY_BROKER_VIRTUAL_HOST}), a
 * key or a {@code ${VARIABLE}} of its application.properties, or one of the few Quarkus settings the
 * chart sets on purpose. A misspelt or stale name is silently ignored by the component, so it
 * fails here instead.
 */
class ChartEnvironmentTest {
  /** Quarkus' own settings the chart sets (ports, datasource, log level). */
  private static final Set<String> QUARKUS = Set.of("QUARKUS_HTTP_PORT", "QUARKUS_DATASOURCE_JDBC_URL",
      "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_LOG_LEVEL");
  /** Read from the environment itself: the pod's name (the operator's default leader identity), the JVM's options. */
  private static final Set<String> PROCESS = Set.of("HOSTNAME", "JAVA_TOOL_OPTIONS");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)");

  @Test
  void theGatewaysVariablesAreAllReadByTheGateway() throws Exception {
    Set<String> known = known("dev.circlet.gateway", "dev/circlet/gateway/api/GatewayWiring.class");
    assertThat(known).contains("CIRCLET_GATEWAY_BROKER_VIRTUAL_HOST", "CIRCLET_LOGS_REDIS_URL", "CIRCLET_STORAGE_BUCKET");
    for (List<GenericKubernetesResource> all : List.of(Manifests.render(),
        Manifests.render("-f", Helm.FULL_VALUES.toString()))) {
      assertThat(variables(all, "circlet-gateway")).allSatisfy(name -> assertThat(known).as(
          "the gateway reads no setting named by the chart's %s", name).contains(name));
    }
  }

  @Test
  void theOperatorsVariablesAreAllReadByTheOperator() throws Exception {
    Set<String> known = known("dev.circlet.operator", "dev/circlet/operator/runtime/OperatorConfig.class");
    assertThat(known).contains("CIRCLET_RUNNER_GATEWAY", "CIRCLET_ORBS_REGISTRY_POLICY");
    for (List<GenericKubernetesResource> all : List.of(Manifests.render(),
        Manifests.render("-f", Helm.FULL_VALUES.toString()))) {
      assertThat(variables(all, "circlet-operator")).allSatisfy(name -> assertThat(known).as(
          "the operator reads no setting named by the chart's %s", name).contains(name));
    }
  }

  @Test
  void buildPodsAreToldWhereTheGatewaysRunnerApiIs() {
    ConfigMap operator = as(one(Manifests.render(), "ConfigMap", "circlet-operator"), ConfigMap.class);
    assertThat(operator.getData()).containsEntry("CIRCLET_RUNNER_GATEWAY", "circlet-gateway.circlet-system.svc:8080");
  }

  /** The environment names a Deployment's first container gets, from its ConfigMaps and its own env. */
  private static Set<String> variables(List<GenericKubernetesResource> all, String deployment) {
    Container c = as(one(all, "Deployment", deployment), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    Set<String> names = new TreeSet<>();
    c.getEnvFrom().forEach(from -> names.addAll(
        as(one(all, "ConfigMap", from.getConfigMapRef().getName()), ConfigMap.class).getData().keySet()));
    c.getEnv().stream().map(EnvVar::getName).forEach(names::add);
    return names;
  }

  /** Environment names of every setting the component in the jar of {@code marker} reads. */
  private static Set<String> known(String basePackage, String marker) throws IOException, URISyntaxException {
    Set<String> known = new TreeSet<>(QUARKUS);
    known.addAll(PROCESS);
    for (Path root : roots(marker)) {
      for (String className : classes(root)) {
        if (!className.startsWith(basePackage)) {
          continue;
        }
        Class<?> type;
        try {
          type = Class.forName(className, false, ChartEnvironmentTest.class.getClassLoader());
        } catch (LinkageError | ClassNotFoundException e) {
          continue; // needs a library this test leaves out; configuration interfaces never do
        }
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null) {
          properties(type, mapping.prefix(), known);
        }
        injected(type, known);
      }
      try (InputStream in = open(root, "application.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          for (String key : p.stringPropertyNames()) {
            known.add(env(key.replaceFirst("^%[a-z]+\\.", "")));
            Matcher m = VARIABLE.matcher(p.getProperty(key));
            while (m.find()) {
              known.add(m.group(1));
            }
          }
        }
      }
    }
    return known;
  }

  private static void properties(Class<?> type, String prefix, Set<String> out) {
    for (Method m : type.getMethods()) {
      if (m.getParameterCount() > 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      WithName named = m.getAnnotation(WithName.class);
      String name = prefix + "." + (named != null ? named.value() : kebab(m.getName()));
      Type t = m.getGenericReturnType();
      if (t instanceof ParameterizedType pt && pt.getRawType() == Optional.class) {
        t = pt.getActualTypeArguments()[0];
      }
      if (t instanceof Class<?> c && c.isInterface() && c.getEnclosingClass() != null) {
        properties(c, name, out);
      } else {
        out.add(env(name));
      }
    }
  }

  /** Settings injected one by one ({@code @ConfigProperty} on fields and parameters). */
  private static void injected(Class<?> type, Set<String> out) {
    try {
      for (java.lang.reflect.Field f : type.getDeclaredFields()) {
        ConfigProperty p = f.getAnnotation(ConfigProperty.class);
        if (p != null) {
          out.add(env(p.name()));
        }
      }
      List<java.lang.reflect.Executable> all = new java.util.ArrayList<>(List.of(type.getDeclaredMethods()));
      all.addAll(List.of(type.getDeclaredConstructors()));
      for (java.lang.reflect.Executable e : all) {
        for (java.lang.annotation.Annotation[] annotations : e.getParameterAnnotations()) {
          for (java.lang.annotation.Annotation a : annotations) {
            if (a instanceof ConfigProperty p) {
              out.add(env(p.name()));
            }
          }
        }
      }
    } catch (LinkageError e) {
      // a member's type needs a library this test leaves out
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** Quarkus' environment form of a property name. */
  static String env(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  /** The class-path roots (jar or directory) of the component holding {@code marker}, and of the output processor for the gateway. */
  private static List<Path> roots(String marker) throws URISyntaxException {
    ClassLoader cl = ChartEnvironmentTest.class.getClassLoader();
    Stream.Builder<Path> roots = Stream.builder();
    for (String m : marker.contains("gateway")
        ? List.of(marker, "dev/circlet/gateway/logs/LogsConfig.class") : List.of(marker)) {
      String url = cl.getResource(m).toURI().toString();
      roots.add(url.startsWith("jar:")
          ? Path.of(java.net.URI.create(url.substring(4, url.indexOf("!/"))))
          : Path.of(java.net.URI.create(url.substring(0, url.length() - m.length()))));
    }
    return roots.build().distinct().toList();
  }

  private static List<String> classes(Path root) throws IOException {
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        return files.map(f -> root.relativize(f).toString()).filter(n -> n.endsWith(".class"))
            .map(n -> n.substring(0, n.length() - 6).replace('/', '.').replace('\\', '.')).toList();
      }
    }
    try (JarFile jar = new JarFile(root.toFile())) {
      return jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class"))
          .map(n -> n.substring(0, n.length() - 6).replace('/', '.')).toList();
    }
  }

  private static InputStream open(Path root, String resource) throws IOException {
    if (Files.isDirectory(root)) {
      Path f = root.resolve(resource);
      return Files.exists(f) ? Files.newInputStream(f) : null;
    }
    JarFile jar = new JarFile(root.toFile());
    var entry = jar.getEntry(resource);
    if (entry == null) {
      jar.close();
      return null;
    }
    byte[] bytes;
    try (jar; InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    }
    return new java.io.ByteArrayInputStream(bytes);
  }

}
