package dev.circlet.gateway.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: base64url of the list's kind and the sort key to continue below. The kind
 * keeps one list's cursor from being used on another; a cursor that does not decode is a 400.
 */
public final class Cursors {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  private Cursors() {}

  public static String encode(String kind, long key) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((kind + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** The sort key in {@code cursor}, or null for the first page. */
  public static Long decode(String kind, String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith(kind + ":")) {
        long key = Long.parseLong(s.substring(kind.length() + 1));
        if (key > 0) {
          return key;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the one answer for every bad cursor
    }
    throw ApiProblem.badRequest("the cursor is not one this list gave out");
  }

  /** The page size asked for: 20 when absent, 1 to 100 otherwise. */
  public static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiProblem.badRequest("limit must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }
}
