package dev.circlet.gateway.continuation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Continuation keys: {@code ck_<run id>_<HMAC-SHA256 of the run id under the installation's secret>}.
 * Derived, not stored, so a redelivered setup run gets the same key; checked in constant time. Pure.
 */
public final class ContinuationKeys {
  private ContinuationKeys() {}

  public static String key(byte[] secret, long runId) {
    return "ck_" + runId + "_" + mac(secret, runId);
  }

  /** The run a well-formed, authentic key belongs to, or -1. */
  public static long runOf(byte[] secret, String key) {
    if (key == null || !key.matches("ck_[0-9]{1,18}_[A-Za-z0-9_-]{43}")) {
      return -1;
    }
    int sep = key.indexOf('_', 3);
    long runId = Long.parseLong(key.substring(3, sep));
    byte[] want = mac(secret, runId).getBytes(StandardCharsets.US_ASCII);
    byte[] have = key.substring(sep + 1).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(want, have) ? runId : -1;
  }

  private static String mac(byte[] secret, long runId) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] out = m.doFinal(("continuation:" + runId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
