package dev.circlet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPatchTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) {
    try {
      return text == null ? null : JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  @Test
  void table() {
    record Row(String name, String before, String after, String ops) {}
    String rv = "{'op':'replace','path':'/metadata/resourceVersion','value':'7'}";
    for (Row row : List.of(
        new Row("equal: nothing to write", "{'phase':'Queued'}", "{'phase':'Queued'}", "[]"),
        new Row("no status yet", null, "{'phase':'Queued','queuedAt':'t1'}",
            "[" + rv + ",{'op':'add','path':'/status','value':{'phase':'Queued','queuedAt':'t1'}}]"),
        new Row("changed field only", "{'phase':'Queued','queuedAt':'t1'}", "{'phase':'Admitted','queuedAt':'t1'}",
            "[" + rv + ",{'op':'add','path':'/status/phase','value':'Admitted'}]"),
        new Row("fields gone are removed", "{'phase':'Queued','reason':'Waiting'}", "{'phase':'Admitted'}",
            "[" + rv + ",{'op':'remove','path':'/status/reason'},{'op':'add','path':'/status/phase','value':'Admitted'}]"),
        new Row("explicit null is gone", "{'phase':'Queued','reason':'Waiting'}", "{'phase':'Queued','reason':null}",
            "[" + rv + ",{'op':'remove','path':'/status/reason'}]"),
        new Row("a null before is no field", "{'phase':'Queued','reason':null}", "{'phase':'Queued'}", "[]"),
        new Row("lists go whole", "{'conditions':[{'type':'A','status':'False'}]}",
            "{'conditions':[{'type':'A','status':'True'}]}",
            "[" + rv + ",{'op':'add','path':'/status/conditions','value':[{'type':'A','status':'True'}]}]"),
        new Row("pointer escaping", "{}", "{'a/b~c':1}", "[" + rv + ",{'op':'add','path':'/status/a~1b~0c','value':1}]"),
        new Row("status removed", "{'phase':'Queued'}", null, "[" + rv + ",{'op':'remove','path':'/status'}]"))) {
      JsonNode ops = StatusPatch.ops("7", json(row.before()), json(row.after()));
      assertThat(ops).as(row.name()).isEqualTo(json(row.ops()));
      // Applied as the API server applies it, the patch gives the desired status.
      JsonNode applied = apply(json(row.before()), ops);
      assertThat(withoutNulls(applied)).as(row.name() + ": applied").isEqualTo(withoutNulls(json(row.after())));
    }
  }

  @Test
  void withoutAResourceVersionThereIsNoPrecondition() {
    assertThat(StatusPatch.ops(null, null, json("{'phase':'Queued'}")))
        .isEqualTo(json("[{'op':'add','path':'/status','value':{'phase':'Queued'}}]"));
  }

  /** RFC 6902 add/remove of /status and /status/<field>, as the operations above use them. */
  private static JsonNode apply(JsonNode status, JsonNode ops) {
    ObjectNode resource = JSON.createObjectNode();
    if (status != null) {
      resource.set("status", status.deepCopy());
    }
    for (JsonNode op : ops) {
      String path = op.get("path").asText();
      if (path.startsWith("/metadata/")) {
        continue;
      }
      String[] parts = path.substring(1).split("/");
      String field = parts.length > 1 ? parts[1].replace("~1", "/").replace("~0", "~") : null;
      boolean add = "add".equals(op.get("op").asText());
      if (field == null) {
        if (add) {
          resource.set("status", op.get("value"));
        } else {
          resource.remove("status");
        }
      } else if (add) {
        ((ObjectNode) resource.get("status")).set(field, op.get("value"));
      } else {
        ((ObjectNode) resource.get("status")).remove(field);
      }
    }
    return resource.get("status");
  }

  private static JsonNode withoutNulls(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    ObjectNode copy = node.deepCopy();
    List<String> present = new java.util.ArrayList<>();
    copy.fields().forEachRemaining(f -> {
      if (!f.getValue().isNull()) {
        present.add(f.getKey());
      }
    });
    copy.retain(present);
    return copy;
  }
}
