package org.fsqspark.jobs;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone Master and one Worker, each in its own JVM on 127.0.0.1, as on a real cluster; the
 * Worker can advertise GPUs found by a discovery script.
 */
final class StandaloneCluster implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final int masterPort;

  private StandaloneCluster(int masterPort) {
    this.masterPort = masterPort;
  }

  /** Starts a master and a worker with {@code cores}, {@code memory} and extra worker settings. */
  static StandaloneCluster start(Path work, int cores, String memory, Map<String, String> workerConf)
      throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(freePort());
    try {
      cluster.launch(work, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", Integer.toString(cluster.masterPort), "--webui-port", Integer.toString(freePort())), Map.of());
      cluster.awaitPort(cluster.masterPort);
      Path properties = work.resolve("worker.properties");
      StringBuilder text = new StringBuilder();
      workerConf.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
      Files.writeString(properties, text);
      cluster.launch(work, "worker", List.of("org.apache.spark.deploy.worker.Worker", cluster.masterUrl(),
          "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", memory,
          "--webui-port", Integer.toString(freePort()), "--work-dir", work.resolve("worker-work").toString(),
          "--properties-file", properties.toString()), Map.of());
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The executor JVMs the worker has launched and that are alive now: the worker's java children (their
   * command lines are too long for /proc to show the main class).
   */
  List<ProcessHandle> executors() {
    return processes.stream().flatMap(Process::descendants)
        .filter(p -> p.isAlive() && p.info().command().orElse("").endsWith("/java"))
        .toList();
  }

  /** The processes of the cluster and their children, for failure messages. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (Process process : processes) {
      text.append(process.pid()).append(" alive=").append(process.isAlive()).append("; children: ");
      process.descendants().forEach(child -> text.append(child.pid()).append(' ')
          .append(child.info().command().orElse("?")).append(' ')
          .append(child.info().commandLine().map(c -> c.length() > 120 ? c.substring(c.length() - 120) : c).orElse("?"))
          .append(" | "));
    }
    return text.toString();
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  private void launch(Path work, String name, List<String> arguments, Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("fsq.test.module.flags", "").trim().split("\\s+")));
    command.addAll(List.of("-Xmx256m", "-cp", SparkTestSupport.executorClasspath()));
    command.addAll(arguments);
    command.removeIf(String::isEmpty);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", SparkTestSupport.sparkHome().toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().putAll(environment);
    processes.add(builder.start());
  }

  private void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("Nothing listens on port " + port + " after 60 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
