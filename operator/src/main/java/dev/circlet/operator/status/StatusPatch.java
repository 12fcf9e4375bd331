package dev.circlet.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON Patch (RFC 6902) that turns a resource's status into the one a reconcile computed:
 * one operation per top-level status field that changed, appeared or went away, preceded by the
 * resource version the status was computed from, which the API server checks like an update's
 * (a stale version is a 409 Conflict). A status patch of a Build is a few hundred bytes where an
 * update carries the whole object. Pure.
 */
public final class StatusPatch {
  private StatusPatch() {}

  /**
   * The operations; an empty array when nothing changed. A null or missing {@code before} is no
   * status yet; a null {@code after} removes the status.
   */
  public static ArrayNode ops(String resourceVersion, JsonNode before, JsonNode after) {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    boolean hadStatus = before != null && before.isObject();
    if (after == null || after.isNull()) {
      if (hadStatus) {
        ops.addObject().put("op", "remove").put("path", "/status");
      }
      return guarded(resourceVersion, ops);
    }
    if (!hadStatus) {
      ops.addObject().put("op", "add").put("path", "/status").set("value", after);
      return guarded(resourceVersion, ops);
    }
    for (Iterator<String> names = before.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!before.get(name).isNull() && (!after.has(name) || after.get(name).isNull())) {
        ops.addObject().put("op", "remove").put("path", "/status/" + escape(name));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = after.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getValue().isNull() && !field.getValue().equals(before.get(field.getKey()))) {
        // "add" on an existing member replaces it, and creates it otherwise.
        ops.addObject().put("op", "add").put("path", "/status/" + escape(field.getKey())).set("value", field.getValue());
      }
    }
    return guarded(resourceVersion, ops);
  }

  private static ArrayNode guarded(String resourceVersion, ArrayNode ops) {
    if (ops.isEmpty() || resourceVersion == null) {
      return ops;
    }
    ObjectNode precondition = JsonNodeFactory.instance.objectNode()
        .put("op", "replace").put("path", "/metadata/resourceVersion").put("value", resourceVersion);
    ops.insert(0, precondition);
    return ops;
  }

  /** A JSON Pointer reference token (RFC 6901). */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
