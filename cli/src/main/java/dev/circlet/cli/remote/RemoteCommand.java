package dev.circlet.cli.remote;

import dev.circlet.cli.remote.GatewayClient.GatewayException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that talk to a gateway: credentials from the environment or the login
 * file, and every gateway or usage error printed as one line with exit code 1.
 */
public abstract class RemoteCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  RemoteEnv env;

  /** Builds commands with {@code env} (tests give their own environment, home and terminal). */
  public static CommandLine.IFactory factory(RemoteEnv env) {
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K k = CommandLine.defaultFactory().create(cls);
        if (k instanceof RemoteCommand r) {
          r.env = env;
        }
        return k;
      }
    };
  }

  RemoteEnv env() {
    if (env == null) {
      env = RemoteEnv.system();
    }
    return env;
  }

  GatewayClient client() {
    return new GatewayClient(Credentials.resolve(env().env(), env().home()), env().pollInterval());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (GatewayException | IllegalStateException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("circlet " + spec.name() + ": " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    } finally {
      out().flush();
    }
  }

  abstract int run();

  /** {@code namespace/name} split in two, or a clear error. */
  static String[] qualified(String what, String value) {
    int slash = value.indexOf('/');
    if (slash < 1 || slash == value.length() - 1 || value.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(what + " must be <namespace>/<name>, not '" + value + "'");
    }
    return new String[] {value.substring(0, slash), value.substring(slash + 1)};
  }

  static String path(String... segments) {
    StringBuilder b = new StringBuilder("/api/v1");
    for (String s : segments) {
      b.append('/').append(GatewayClient.segment(s));
    }
    return b.toString();
  }
}
