package dev.circlet.gateway.testing;

import java.net.ServerSocket;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy, a real S3-compatible server, that a test can stop and start again on the same port
 * with the same objects, to play an object-store outage. Its blob store lives in this JVM
 * (jclouds' transient provider: the filesystem provider's Guice wiring clashes with the
 * gateway's test classpath), so objects survive the HTTP server being stopped.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS = "circlet-access";
  public static final String SECRET = "circlet-secret";

  private final BlobStoreContext context;
  private final int port;
  private S3Proxy proxy;

  public S3ProxyServer(String bucket) throws Exception {
    Properties p = new Properties();
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(p)
        .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public synchronized void start() throws Exception {
    proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(endpoint())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
  }

  public synchronized void stop() throws Exception {
    proxy.stop();
    while (!proxy.getState().equals("STOPPED")) {
      Thread.sleep(10);
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    context.close();
  }
}
