package dev.circlet.gateway.storage;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The gateway's S3-compatible object storage: whole objects, byte ranges, listings, streamed
 * concatenation (log compaction) and presigned URLs for runners, which hold no credentials.
 */
public final class ObjectStore implements AutoCloseable {
  /** Where and how to reach the store. */
  public record Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey,
      boolean pathStyle, Duration timeout) {
    public Settings {
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException("circlet.storage.bucket is not set");
      }
    }
  }

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;

  public ObjectStore(Settings s) {
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
    var cfg = S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle())
        .chunkedEncodingEnabled(false).build();
    var builder = S3Client.builder()
        .region(Region.of(s.region()))
        // S3-compatible servers (S3Proxy, MinIO, Ceph) often lack the SDK's default trailing checksums
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(creds)
        .serviceConfiguration(cfg)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(s.timeout()).socketTimeout(s.timeout()))
        .overrideConfiguration(o -> o.apiCallTimeout(s.timeout().multipliedBy(4))
            // the log pipeline retries with its own backoff; the SDK must fail fast
            .retryStrategy(r -> r.maxAttempts(1)));
    var pre = S3Presigner.builder().region(Region.of(s.region())).credentialsProvider(creds)
        .serviceConfiguration(cfg);
    if (s.endpoint() != null) {
      builder.endpointOverride(s.endpoint());
      pre.endpointOverride(s.endpoint());
    }
    this.s3 = builder.build();
    this.presigner = pre.build();
    this.bucket = s.bucket();
  }

  public String bucket() {
    return bucket;
  }

  S3Presigner presigner() {
    return presigner;
  }

  /** Creates the bucket when it does not exist yet. */
  public void ensureBucket() {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  public void put(String key, byte[] data) {
    s3.putObject(b -> b.bucket(bucket).key(key),
        RequestBody.fromBytes(data));
  }

  /** Bytes {@code [from, from+length)} of an object, shorter at its end; empty when missing. */
  public byte[] getRange(String key, long from, long length) {
    if (length <= 0) {
      return new byte[0];
    }
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)
          .range("bytes=" + from + "-" + (from + length - 1))).asByteArray();
    } catch (NoSuchKeyException e) {
      return new byte[0];
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 416) {
        return new byte[0];
      }
      throw e;
    }
  }

  /** Keys and sizes under a prefix, in key order. */
  public List<S3Object> list(String prefix) {
    List<S3Object> all = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).continuationToken(t));
      all.addAll(r.contents());
      token = r.isTruncated() ? r.nextContinuationToken() : null;
    } while (token != null);
    return all;
  }

  /** One page of a listing: at most {@code max} objects under {@code prefix} after {@code startAfter} (null: from the start). */
  public record Page(List<S3Object> objects, boolean truncated) {}

  public Page listPage(String prefix, String startAfter, int max) {
    ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(max)
        .startAfter(startAfter));
    return new Page(r.contents(), r.isTruncated());
  }

  /**
   * The whole object as a stream the caller must close, read from storage as the caller reads it
   * (nothing is buffered whole); null when there is no such object.
   */
  public InputStream open(String key) {
    try {
      return s3.getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      return null;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  public boolean exists(String key) {
    return size(key).isPresent();
  }

  /** The object's size in bytes, or empty when there is no such object. */
  public java.util.OptionalLong size(String key) {
    try {
      return java.util.OptionalLong.of(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
    } catch (NoSuchKeyException e) {
      return java.util.OptionalLong.empty();
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return java.util.OptionalLong.empty();
      }
      throw e;
    }
  }

  public void delete(String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
  }

  /**
   * Writes {@code target} as the concatenation of {@code parts} (in order), streaming them one
   * after another so memory stays bounded whatever the total.
   */
  public void concatenate(String target, List<S3Object> parts) {
    long total = parts.stream().mapToLong(S3Object::size).sum();
    // the SDK reads the body twice (payload hash, then upload): each read fetches the parts anew
    s3.putObject(b -> b.bucket(bucket).key(target),
        RequestBody.fromContentProvider(() -> sequence(parts), total, "text/plain"));
  }

  private InputStream sequence(List<S3Object> parts) {
    if (parts.isEmpty()) {
      return InputStream.nullInputStream();
    }
    Iterator<S3Object> it = parts.iterator();
    return new SequenceInputStream(new Enumeration<>() {
      @Override
      public boolean hasMoreElements() {
        return it.hasNext();
      }

      @Override
      public InputStream nextElement() {
        S3Object o = it.next();
        ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(o.key()));
        return in;
      }
    });
  }

  /** Presigned request: URL, method and the headers that must be sent with it. */
  public record Presigned(String url, String method, Map<String, String> headers, long expiresAtMillis) {}

  public Presigned presign(String key, String method, Duration ttl) {
    var p = switch (method) {
      case "GET" -> presigner.presignGetObject(r -> r.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)));
      case "PUT" -> presigner.presignPutObject(r -> r.signatureDuration(ttl).putObjectRequest(g -> g.bucket(bucket).key(key)));
      case "HEAD" -> presigner.presignHeadObject(r -> r.signatureDuration(ttl).headObjectRequest(g -> g.bucket(bucket).key(key)));
      case "DELETE" -> presigner.presignDeleteObject(r -> r.signatureDuration(ttl).deleteObjectRequest(g -> g.bucket(bucket).key(key)));
      default -> throw new IllegalArgumentException("method must be GET, PUT, HEAD or DELETE, not " + method);
    };
    Map<String, String> headers = new java.util.TreeMap<>();
    p.signedHeaders().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("host")) {
        headers.put(k, String.join(",", v));
      }
    });
    return new Presigned(p.url().toString(), method, Collections.unmodifiableMap(headers),
        p.expiration().toEpochMilli());
  }

  @Override
  public void close() {
    s3.close();
    presigner.close();
  }
}
