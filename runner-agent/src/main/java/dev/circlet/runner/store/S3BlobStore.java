package dev.circlet.runner.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A {@link BlobStore} on S3-compatible storage (path-style), under a key prefix of one bucket. */
public final class S3BlobStore implements BlobStore, AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  public S3BlobStore(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null || prefix.isEmpty() ? "" : (prefix.endsWith("/") ? prefix : prefix + "/");
  }

  /** A path-style client for an S3-compatible endpoint with static credentials. */
  public static S3Client client(URI endpoint, String region, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region == null ? "us-east-1" : region))
        .forcePathStyle(true)
        // S3-compatible servers (MinIO, s3proxy, Ceph) often lack the SDK's default trailing checksums
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

  @Override
  public void put(String key, Path file) throws IOException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Create-if-absent: a conditional PUT ({@code If-None-Match: *}) that the store refuses with 412
   * when the key exists, so two nodes saving the same new cache key race safely on stores that
   * honour it (AWS S3, MinIO, Ceph RGW). A store that does not implement it (501) gets a plain PUT
   * after the existence check.
   */
  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    if (exists(key)) {
      return false;
    }
    return putIfNoneMatch(key, file);
  }

  boolean putIfNoneMatch(String key, Path file) throws IOException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(prefix + key).ifNoneMatch("*"), RequestBody.fromFile(file));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      if (e.statusCode() == 501) {
        put(key, file);
        return true;
      }
      throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void putBytes(String key, byte[] data) throws IOException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean get(String key, Path dest) throws IOException {
    Path tmp = dest.resolveSibling(dest.getFileName() + ".download");
    Files.deleteIfExists(tmp);
    try {
      s3.getObject(b -> b.bucket(bucket).key(prefix + key), tmp);
    } catch (NoSuchKeyException e) {
      return false;
    } catch (SdkException e) {
      throw new IOException("download of " + key + " failed: " + e.getMessage(), e);
    }
    Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  @Override
  public Optional<byte[]> getBytes(String key) throws IOException {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new IOException("download of " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
    } catch (NoSuchKeyException e) {
      // already gone
    } catch (SdkException e) {
      throw new IOException("deleting " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Blob> list(String keyPrefix) throws IOException {
    List<Blob> out = new ArrayList<>();
    try {
      ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix).build();
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(req)) {
        for (S3Object o : page.contents()) {
          out.add(new Blob(o.key().substring(prefix.length()), o.size(), o.lastModified()));
        }
      }
    } catch (SdkException e) {
      throw new IOException("listing " + keyPrefix + " failed: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    s3.close();
  }
}
