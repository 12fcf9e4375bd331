package dev.circlet.kubetest;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts ONE {@link KubeControlPlane} per JVM, lazily, the first time a test
 * asks for it, and stops it when the test run ends (it is kept in the root context's store, which
 * closes it; a JVM shutdown hook is the fallback). Resolves parameters of type {@link
 * KubernetesClient} (the shared admin client: don't close it), {@link KubeControlPlane} and
 * {@link FakeKubelet}. Use it with {@code @ExtendWith(KubeClusterExtension.class)} plus
 * {@code @Tag("cluster")}, or simply {@link KubeCluster @KubeCluster}.
 *
 * <p>When the control plane fails to start, every later test that needs it fails at once with
 * the same cause instead of trying again.
 */
public class KubeClusterExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeClusterExtension.class);
  private static final Object LOCK = new Object();
  private static KubeControlPlane shared;
  private static RuntimeException startFailure;

  /** The JVM's control plane, started on first use, for code without an ExtensionContext. */
  public static KubeControlPlane shared() {
    synchronized (LOCK) {
      if (startFailure != null) {
        throw new KubeControlPlaneException("the control plane failed to start earlier: " + startFailure.getMessage(),
            startFailure);
      }
      if (shared == null) {
        try {
          shared = KubeControlPlane.start();
        } catch (RuntimeException e) {
          startFailure = e;
          throw e;
        }
      }
      return shared;
    }
  }

  /** The JVM's control plane, registered for closing with the root context of {@code context}. */
  public static KubeControlPlane controlPlane(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .computeIfAbsent(Handle.class, k -> new Handle(shared()), Handle.class)
        .controlPlane;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == KubernetesClient.class || type == KubeControlPlane.class || type == FakeKubelet.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    KubeControlPlane cp = controlPlane(extensionContext);
    if (type == KubernetesClient.class) {
      return cp.client();
    }
    if (type == KubeControlPlane.class) {
      return cp;
    }
    if (type == FakeKubelet.class) {
      return cp.fakeKubelet();
    }
    throw new ParameterResolutionException("unsupported parameter type " + type);
  }

  /** Closed by JUnit with the root store at the end of the run (JUnit closes AutoCloseable values). */
  static final class Handle implements AutoCloseable {
    final KubeControlPlane controlPlane;

    Handle(KubeControlPlane controlPlane) {
      this.controlPlane = controlPlane;
    }

    @Override
    public void close() {
      synchronized (LOCK) {
        if (shared == controlPlane) {
          shared = null;
        }
      }
      controlPlane.close();
    }
  }
}
