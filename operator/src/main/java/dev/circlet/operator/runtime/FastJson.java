package dev.circlet.operator.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The Kubernetes client's JSON with Jackson's Blackbird module: bean properties are read and
 * written through generated lambdas that the JIT inlines, instead of reflective {@code
 * Method.invoke} calls. A flight recording of the admission benchmark had 16 % of the operator
 * JVM's samples in reflective calls, nearly all Jackson reading and writing the properties of
 * Pods and Builds (watch events, responses, requests).
 */
@Singleton
public class FastJson implements KubernetesClientObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    register(mapper);
  }

  static ObjectMapper register(ObjectMapper mapper) {
    return mapper.registerModule(new BlackbirdModule());
  }

  /** The same for clients built outside Quarkus (tests, benchmarks): {@code KubernetesClientBuilder.withKubernetesSerialization}. */
  public static KubernetesSerialization serialization() {
    return new KubernetesSerialization(register(new ObjectMapper()), true);
  }
}
