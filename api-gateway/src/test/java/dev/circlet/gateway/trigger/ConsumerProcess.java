package dev.circlet.gateway.trigger;

import com.rabbitmq.client.ConnectionFactory;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.gateway.broker.BrokerTopology;
import dev.circlet.gateway.broker.DeliveryConsumer;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.history.PostgresServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The gateway's delivery consumer as a process of its own, for tests that kill it with SIGKILL. It
 * wires the production consumer, processor and Workflow sink, and stops dead at one point of a
 * delivery, printing {@code BLOCKED <delivery id>}, so the test kills it exactly there:
 * {@code after-create} right after a Workflow was created (nothing recorded, nothing acked), or
 * {@code before-ack} after the delivery was recorded and before the broker's ack. The blocking lives
 * in these test sources only.
 *
 * <p>Arguments: jdbc-url rabbit-port queue delivery-limit master-url mode
 */
public final class ConsumerProcess {
  private ConsumerProcess() {}

  public static void main(String[] args) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(args[0]);
    ds.setUser(PostgresServer.USER);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(Integer.parseInt(args[1]));
    factory.setAutomaticRecoveryEnabled(false);
    BrokerTopology topology = new BrokerTopology(args[2], Integer.parseInt(args[3]));
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl(args[4]).withTrustCerts(true).withNamespace("team").build())
        .build();
    String mode = args[5];
    KubernetesPipelines pipelines = new KubernetesPipelines(client);
    WorkflowSink sink = wf -> {
      pipelines.createOrAdopt(wf);
      if (mode.equals("after-create")) {
        block(wf.getSpec().trigger.deliveryId);
      }
    };
    DeliveryProcessor processor = new DeliveryProcessor(new DeliveryStore(ds), pipelines,
        (p, rev) -> new ConfigLoader.Loaded(".circleci/config.yml", p.getSpec().config),
        new RunPlanner(new ConfigCompiler(OrbStore.empty())), sink);
    DeliveryHandler handler = new DeliveryHandler(processor);
    DeliveryConsumer.Handler blocking = (body, props) -> {
      DeliveryConsumer.Disposition d = handler.handle(body, props);
      if (mode.equals("before-ack")) {
        block(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      }
      return d;
    };
    new DeliveryConsumer(factory, topology, 1, 1, Duration.ofMillis(100), blocking).start();
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await();
  }

  private static void block(String what) {
    System.out.println("BLOCKED " + what.replace('\n', ' '));
    System.out.flush();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
