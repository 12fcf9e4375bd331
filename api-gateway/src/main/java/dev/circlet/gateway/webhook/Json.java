package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for reading VCS payloads: a JSON tree and null-safe path lookups. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    // GitHub payloads reach 25 MB; Jackson's default string limit (20 MB) would reject a huge commit message.
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).maxNestingDepth(200).build());
  }

  private Json() {}

  /** The payload as a JSON object; a 400 when it is not one. */
  static JsonNode object(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw WebhookException.badRequest("the payload is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw WebhookException.badRequest("the payload could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw WebhookException.badRequest("the payload must be a JSON object");
    }
    return root;
  }

  /** The text at {@code path}, or null when any step is missing or the value is not a scalar. */
  static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      if (n == null || !n.isObject()) {
        return null;
      }
      n = n.get(p);
    }
    if (n == null || n.isNull() || n.isContainerNode()) {
      return null;
    }
    String s = n.asText();
    return s.isEmpty() ? null : s;
  }

  static Integer integer(JsonNode node, String... path) {
    String s = text(node, path);
    if (s == null) {
      return null;
    }
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      throw WebhookException.badRequest("'" + String.join(".", path) + "' must be a number, got " + s);
    }
  }

  /** The non-null texts among {@code values}, in order, without duplicates. */
  static List<String> present(String... values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (v != null && !out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** The first line of a commit message. */
  static String subject(String message) {
    if (message == null) {
      return null;
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }

  /** A commit message after its first line, without surrounding blank lines; null when there is none. */
  static String body(String message) {
    if (message == null) {
      return null;
    }
    int nl = message.indexOf('\n');
    String rest = nl < 0 ? "" : message.substring(nl + 1).strip();
    return rest.isEmpty() ? null : rest;
  }

  /** A revision of only zeros means "none" (a created or deleted ref). */
  static String revision(String sha) {
    return sha == null || sha.chars().allMatch(c -> c == '0') ? null : sha;
  }

  static JsonNode require(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || !n.isObject()) {
      throw WebhookException.badRequest("the payload has no '" + field + "' object");
    }
    return n;
  }
}
