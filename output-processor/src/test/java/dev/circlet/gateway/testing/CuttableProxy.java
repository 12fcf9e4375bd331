package dev.circlet.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP relay to a target port whose connections a test can cut at any moment (a broken network). */
public final class CuttableProxy implements AutoCloseable {
  private final ServerSocket server;
  private volatile int target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  public final AtomicInteger connections = new AtomicInteger();

  public CuttableProxy(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Later connections go to this port (a gateway started again elsewhere). */
  public void retarget(int port) {
    this.target = port;
  }

  /** Closes every open connection. */
  public void cut() {
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed by the other side
      }
    }
    open.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket();
        try {
          out.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), target), 5000);
        } catch (IOException e) {
          in.close();
          continue;
        }
        connections.incrementAndGet();
        open.add(in);
        open.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform().daemon().start(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
        int n;
        while ((n = i.read(buf)) >= 0) {
          o.write(buf, 0, n);
        }
      } catch (IOException ignored) {
        // the connection was cut
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // closing a cut connection
        }
      }
    });
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut();
  }
}
