package dev.circlet.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks webhook authenticity on the raw request bytes, before anything parses them. Every
 * comparison is constant-time ({@link MessageDigest#isEqual}); several secrets may be valid at
 * once so a Pipeline's webhook secret can be rotated without dropping deliveries.
 */
public final class WebhookSignatures {
  private WebhookSignatures() {}

  /**
   * Whether {@code header} ({@code sha256=<hex>}, as GitHub's X-Hub-Signature-256 and Bitbucket's
   * X-Hub-Signature send it) is the HMAC-SHA256 of {@code body} under one of {@code secrets}.
   */
  public static boolean hmacSha256(byte[] body, String header, List<byte[]> secrets) {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring("sha256=".length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean ok = false;
    for (byte[] secret : secrets) {
      if (secret.length == 0) {
        continue; // an empty key would let anyone sign
      }
      // No early exit: the time taken does not tell which secret matched.
      ok |= MessageDigest.isEqual(hmac(secret, body), given);
    }
    return ok;
  }

  /** Whether {@code token} (GitLab's X-Gitlab-Token) equals one of {@code secrets}. */
  public static boolean token(String token, List<byte[]> secrets) {
    if (token == null) {
      return false;
    }
    byte[] given = sha256(token.getBytes(StandardCharsets.UTF_8));
    boolean ok = false;
    for (byte[] secret : secrets) {
      if (secret.length == 0) {
        continue;
      }
      // Comparing digests keeps the comparison constant-time even when the lengths differ.
      ok |= MessageDigest.isEqual(sha256(secret), given);
    }
    return ok;
  }

  /** {@code sha256=<hex>} of {@code body} under {@code secret}: what a VCS sends. */
  public static String sign(byte[] secret, byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac(secret, body));
  }

  static byte[] hmac(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
  }

  private static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
