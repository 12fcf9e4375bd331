package dev.circlet.gateway.rest;

import dev.circlet.gateway.builds.BuildRecordsReader;
import dev.circlet.gateway.builds.JdbcBuildRecords;
import dev.circlet.gateway.builds.KubernetesBuildDirectory;
import dev.circlet.gateway.records.BuildRecords;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import javax.sql.DataSource;

/** The parts that connect the runner API and the log reads to PostgreSQL and the API server. */
@Singleton
public class LogBeans {
  @Produces
  @Singleton
  KubernetesBuildDirectory buildDirectory(KubernetesClient client) {
    return new KubernetesBuildDirectory(client);
  }

  @Produces
  @Singleton
  BuildRecordsReader buildRecordsReader(DataSource dataSource) {
    return new BuildRecordsReader(dataSource);
  }

  @Produces
  @Singleton
  BuildRecords buildRecords(DataSource dataSource, KubernetesBuildDirectory builds) {
    return new JdbcBuildRecords(dataSource, builds::cached, Clock.systemUTC());
  }

  @Produces
  @Singleton
  BuildAccess buildAccess(ApiAuth auth, KubernetesBuildDirectory builds, BuildRecordsReader records) {
    return new BuildAccess(auth, builds, records);
  }
}
