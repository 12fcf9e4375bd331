package dev.circlet.cli.orb;

import dev.circlet.cli.OrbOptions;
import dev.circlet.config.orbs.OrbVendor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code circlet orb vendor ns/name@version}: prints the orb ConfigMaps the operator reads, for
 * the orb and every registry orb it imports, at the exact versions the registry resolved.
 */
@Command(name = "vendor", mixinStandardHelpOptions = true,
    description = "Print the orb ConfigMaps (the orb and the orbs it imports) for kubectl apply -f -.")
public final class VendorCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ORB", description = "namespace/orb@version, e.g. acme/toolkit@1.2")
  String ref;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "Namespace the operator reads orbs from (default: circlet-system).")
  String namespace = "circlet-system";

  @Mixin OrbOptions orbs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<OrbVendor.Vendored> vendored;
    try {
      vendored = OrbVendor.collect(orbs.store(System.getenv()), ref);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      err.println("circlet orb vendor: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.print(OrbVendor.configMaps(vendored, namespace));
    out.flush();
    return 0;
  }
}
