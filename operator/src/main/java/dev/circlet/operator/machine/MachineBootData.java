package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.MachinePool;

/**
 * The cloud-init user data of a pool's VMs. This is the one place that decides what a VM is told
 * at boot: a warm VM learns only which pool it belongs to — no Build's data, no token, no cluster
 * or storage credential — so a VM booted ahead of any Build holds nothing a Build could misuse.
 * The agent baked into the pool's image starts from it.
 */
public final class MachineBootData {
  /** Where the agent in the VM image reads its boot settings. */
  public static final String SETTINGS_PATH = "/etc/circlet/machine.env";

  private MachineBootData() {}

  /** User data of a warm VM of the pool. */
  public static String warm(MachinePool pool) {
    String name = pool.getMetadata().getName();
    if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      throw new IllegalArgumentException("machine pool name \"" + name + "\" is not a Kubernetes object name");
    }
    return "#cloud-config\n"
        + "write_files:\n"
        + "- path: " + SETTINGS_PATH + "\n"
        + "  permissions: '0600'\n"
        + "  content: |\n"
        + "    CIRCLET_MACHINE_POOL=" + name + "\n";
  }
}
