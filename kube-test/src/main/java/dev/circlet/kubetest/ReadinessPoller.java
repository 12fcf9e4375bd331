package dev.circlet.kubetest;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Waits, within the start timeout, for the components' health endpoints and for conditions on
 * the cluster's objects; fails early, with the log's tail, when a component exits meanwhile.
 */
final class ReadinessPoller {

  private final Duration timeout;
  private final String bearerToken;
  private final ControlPlaneProcesses processes;

  ReadinessPoller(Duration timeout, String bearerToken, ControlPlaneProcesses processes) {
    this.timeout = timeout;
    this.bearerToken = bearerToken;
    this.processes = processes;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Polls {@code url} every 100 ms until it answers 200 (trusting any certificate; with the admin
   * token when {@code withToken}), failing as soon as one of {@code watched} has exited.
   */
  void awaitHttps(String what, String url, boolean withToken, List<ManagedProcess> watched) {
    HttpClient http = HttpClient.newBuilder()
        .sslContext(Pem.trustAllSslContext())
        .connectTimeout(Duration.ofSeconds(2))
        .build();
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
    if (withToken) {
      rb.header("Authorization", "Bearer " + bearerToken);
    }
    HttpRequest request = rb.build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    try {
      while (true) {
        for (ManagedProcess p : watched) {
          p.checkAlive();
        }
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
          last = "HTTP " + r.statusCode() + ": " + r.body();
        } catch (IOException e) {
          last = e.toString();
        }
        if (System.nanoTime() > deadline) {
          StringBuilder sb = new StringBuilder(what + " not ready after " + timeout.toSeconds() + "s; last answer: "
              + last);
          for (ManagedProcess p : watched) {
            sb.append('\n').append(p.describeLog());
          }
          throw new KubeControlPlaneException(sb.toString());
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeControlPlaneException("interrupted while waiting for " + what, e);
    } finally {
      http.close();
    }
  }

  /**
   * Polls {@code condition} every 100 ms until it holds or the start timeout passes; on timeout the
   * log of component {@code blame} goes into the exception.
   */
  void await(String what, BooleanSupplier condition, String blame) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      processes.assertRunning();
      RuntimeException lastError = null;
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (KubernetesClientException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        String logs = processes.describeLog(blame);
        throw new KubeControlPlaneException("timed out after " + timeout.toSeconds() + "s waiting for " + what
            + (lastError == null ? "" : " (last error: " + lastError + ")") + "\n" + logs, lastError);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KubeControlPlaneException("interrupted while waiting for " + what, e);
      }
    }
  }
}
