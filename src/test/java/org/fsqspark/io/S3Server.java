package org.fsqspark.io;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A real S3 API server for tests: s3proxy with a filesystem backend, in its own JVM on 127.0.0.1 (its
 * Jackson 3 must not meet Spark's Jackson 2), started and stopped by the test itself.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "fsq-test-access";
  public static final String SECRET_KEY = "fsq-test-secret-do-not-print";

  private Process process;
  private final int port;
  private final Path data;
  private final S3Client client;

  private S3Server(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
    this.client = S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  /** Starts s3proxy on a free port with its data under {@code data}. */
  public static S3Server start(Path data) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    return new S3Server(launch(data, port), port, data);
  }

  /** Kills the server, as an outage would; its data stays. */
  public void stop() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port and data. */
  public void restart() throws IOException, InterruptedException {
    process = launch(data, port);
  }

  private static Process launch(Path data, int port) throws IOException, InterruptedException {
    Path project = Path.of(System.getProperty("fsq.test.project.dir", ".")).toAbsolutePath();
    Path jar = project.resolve("target/s3proxy/s3proxy.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing; mvn generate-test-resources copies it");
    }
    Files.createDirectories(data);
    Path properties = data.resolveSibling(data.getFileName() + ".properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data) + "\n");
    Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolveSibling(data.getFileName() + ".log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return process;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IllegalStateException("s3proxy exited with " + process.exitValue());
        }
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("s3proxy did not listen on port " + port + " within 60 s");
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public S3Client client() {
    return client;
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  public void put(String bucket, String key, byte[] bytes) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  /** Points S3A in {@code conf} at this server. */
  public void configure(Configuration conf) {
    conf.set("fs.s3a.endpoint", endpoint());
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.attempts.maximum", "3");
    conf.set("fs.s3a.retry.limit", "3");
  }

  @Override
  public void close() throws InterruptedException {
    client.close();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
