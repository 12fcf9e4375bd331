package dev.circlet.kubetest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against the JVM's shared local control plane ({@link
 * KubeClusterExtension}) and tags it {@code cluster}. Test methods and constructors may then take
 * a {@link io.fabric8.kubernetes.client.KubernetesClient}, the {@link KubeControlPlane} or a
 * {@link FakeKubelet} as parameters.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("cluster")
@ExtendWith(KubeClusterExtension.class)
public @interface KubeCluster {}
