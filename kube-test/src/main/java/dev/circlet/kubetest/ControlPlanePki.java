package dev.circlet.kubetest;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The credentials the components and clients share: the admin bearer token and its token file,
 * the service account signing key pair, the CA of the apiserver's self-signed serving certificate,
 * and the admin kubeconfig and client configuration built from them.
 */
final class ControlPlanePki {

  private final Path pkiDir;
  private final String token;
  private String caPem;

  ControlPlanePki(Path pkiDir) {
    this.pkiDir = pkiDir;
    byte[] t = new byte[24];
    new SecureRandom().nextBytes(t);
    this.token = HexFormat.of().formatHex(t);
  }

  /** The admin user's bearer token. */
  String token() {
    return token;
  }

  /** PEM of the CA that signed the apiserver's serving certificate; null until {@link #readApiserverCa()}. */
  String caPem() {
    return caPem;
  }

  /** Where a component writes its self-signed serving certificate ({@code apiserver} for kube-apiserver). */
  Path certDir(String name) {
    return pkiDir.resolve(name);
  }

  /** Where kube-apiserver writes its self-signed serving certificate and the CA that signed it. */
  Path apiserverCertDir() {
    return certDir("apiserver");
  }

  Path tokenFile() {
    return pkiDir.resolve("tokens.csv");
  }

  Path serviceAccountPublicKey() {
    return pkiDir.resolve("sa.pub");
  }

  Path serviceAccountPrivateKey() {
    return pkiDir.resolve("sa.key");
  }

  Path caFile() {
    return pkiDir.resolve("ca.crt");
  }

  /** Writes a fresh RSA key pair for signing service account tokens ({@code sa.key}, {@code sa.pub}). */
  void writeServiceAccountKeys() throws IOException {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair kp = gen.generateKeyPair();
      Path key = serviceAccountPrivateKey();
      Files.writeString(key, Pem.pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
      try {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      Files.writeString(serviceAccountPublicKey(), Pem.pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new KubeControlPlaneException("cannot generate the service account key pair", e);
    }
  }

  /** Writes the apiserver's static token file: the admin user in group {@code system:masters}. */
  void writeTokenFile() throws IOException {
    String user = KubeControlPlane.ADMIN_USER;
    Files.writeString(tokenFile(), token + "," + user + "," + user + ",\"system:masters\"\n");
  }

  /** Reads the CA from the apiserver's generated serving certificate and writes it to {@link #caFile()}. */
  void readApiserverCa() throws IOException {
    caPem = Pem.lastPemCertificate(Files.readString(apiserverCertDir().resolve("apiserver.crt")));
    Files.writeString(caFile(), caPem);
  }

  /** Writes the admin user's kubeconfig for the apiserver at {@code masterUrl} to {@code file}. */
  void writeKubeconfig(Path file, String masterUrl) throws IOException {
    Files.writeString(file, kubeconfigYaml(masterUrl));
  }

  /** A fresh client configuration for the admin user (never read from ~/.kube or the environment). */
  Config clientConfig(String masterUrl) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(masterUrl)
        .withCaCertData(caBase64())
        .withOauthToken(token)
        .withNamespace("default")
        .withRequestTimeout(30_000)
        .withConnectionTimeout(10_000)
        .build();
  }

  private String caBase64() {
    return Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
  }

  private String kubeconfigYaml(String masterUrl) {
    String user = KubeControlPlane.ADMIN_USER;
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: circlet-test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: circlet-test
          context:
            cluster: circlet-test
            user: %s
            namespace: default
        current-context: circlet-test
        """.formatted(masterUrl, caBase64(), user, token, user);
  }
}
