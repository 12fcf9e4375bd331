package dev.circlet.kubetest;

/** The local control plane could not be built, started or used. */
public class KubeControlPlaneException extends RuntimeException {

  public KubeControlPlaneException(String message) {
    super(message);
  }

  public KubeControlPlaneException(String message, Throwable cause) {
    super(message, cause);
  }
}
