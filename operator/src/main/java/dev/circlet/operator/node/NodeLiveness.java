package dev.circlet.operator.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * Decides whether the node a build pod runs on is lost: NotReady or Unknown for longer than the
 * grace, silent (no Lease renewal nor status heartbeat) for longer than the grace, or gone. Pure:
 * the caller passes what its caches hold and the time; a lost node cannot report its pods, so
 * their Builds would otherwise wait for the cluster's own eviction (five minutes or more), or for
 * ever where nothing evicts.
 */
public final class NodeLiveness {

  /** Reason of a Build whose node was lost. */
  public static final String REASON = "NodeLost";

  /** What the caches know of a node: its Ready condition and its last signs of life. */
  public record NodeState(
      String readyStatus, String readyReason, String readyMessage, Instant readySince,
      Instant statusHeartbeat, Instant leaseRenewed) {

    /** The reduced Node and its Lease (either may be null) as a state; null when the Node is unknown. */
    public static NodeState of(Node node, Lease lease) {
      if (node == null) {
        return null;
      }
      NodeCondition ready = node.getStatus() == null || node.getStatus().getConditions() == null ? null
          : node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
      Instant renewed = lease == null || lease.getSpec() == null ? null : instant(lease.getSpec().getRenewTime());
      if (ready == null) {
        return new NodeState(null, null, null, null, null, renewed);
      }
      return new NodeState(ready.getStatus(), ready.getReason(), ready.getMessage(),
          parse(ready.getLastTransitionTime()), parse(ready.getLastHeartbeatTime()), renewed);
    }
  }

  /**
   * The verdict on one pod's node.
   *
   * @param lost whether the Build fails now
   * @param message why, naming the node and since when (only when lost)
   * @param recheck when to look again if nothing changes (only when not lost; null: no need)
   */
  public record Verdict(boolean lost, String message, Duration recheck) {
    static Verdict lost(String message) {
      return new Verdict(true, message, null);
    }

    static Verdict fine(Instant deadline, Instant now) {
      return new Verdict(false, null, deadline == null ? null : Duration.between(now, deadline));
    }
  }

  private final Duration grace;

  public NodeLiveness(Duration grace) {
    if (grace == null || grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException("the node-lost grace must be positive, got " + grace);
    }
    this.grace = grace;
  }

  public Duration grace() {
    return grace;
  }

  /**
   * Judges the node of a pod.
   *
   * @param nodeName the pod's {@code spec.nodeName}
   * @param node what the caches hold of that node; null when the Node does not exist (or is not
   *     yet seen: the grace then counts from {@code boundAt})
   * @param boundAt when the pod was bound to the node (its {@code PodScheduled} transition), or null
   * @param now the time
   */
  public Verdict judge(String nodeName, NodeState node, Instant boundAt, Instant now) {
    if (node == null) {
      Instant from = boundAt == null ? now : boundAt;
      Instant deadline = from.plus(grace);
      return now.isBefore(deadline) ? Verdict.fine(deadline, now)
          : Verdict.lost("node \"" + nodeName + "\" no longer exists (the pod was bound to it at " + from + ")");
    }
    if (!"True".equals(node.readyStatus())) {
      Instant since = latest(node.readySince(), boundAt);
      if (since == null) {
        since = now;
      }
      Instant deadline = since.plus(grace);
      if (now.isBefore(deadline)) {
        return Verdict.fine(deadline, now);
      }
      String state = node.readyStatus() == null ? "without a Ready condition"
          : "Unknown".equals(node.readyStatus()) ? "unreachable (Ready=Unknown)" : "NotReady";
      String why = node.readyReason() == null ? "" : " (" + node.readyReason()
          + (node.readyMessage() == null || node.readyMessage().isBlank() ? "" : ": " + node.readyMessage()) + ")";
      return Verdict.lost("node \"" + nodeName + "\" has been " + state + " since " + since + why);
    }
    if (node.leaseRenewed() == null) {
      // Kubelets post an unchanged status only every few minutes when they renew a Lease: without
      // the Lease the status heartbeat alone would call healthy nodes silent. The control plane
      // marks a silent node Unknown, which the rule above catches.
      return Verdict.fine(null, now);
    }
    Instant heard = latest(node.leaseRenewed(), node.statusHeartbeat());
    Instant deadline = latest(heard, boundAt).plus(grace);
    return now.isBefore(deadline) ? Verdict.fine(deadline, now)
        : Verdict.lost("node \"" + nodeName + "\" stopped heartbeating: last heard from at " + heard);
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  static Instant parse(String time) {
    return time == null || time.isBlank() ? null : Instant.parse(time);
  }

  private static Instant instant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
