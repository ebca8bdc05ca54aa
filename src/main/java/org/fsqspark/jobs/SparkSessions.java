package org.fsqspark.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.error.BadInputException;

/** Starts the SparkSession for a job: spark-submit's settings when present, otherwise the embedded defaults. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session with {@code settings} applied on top of what spark-submit (or system properties) provided.
   * Without a master from either, it runs embedded on {@code local[*]} bound to loopback.
   */
  public static SparkSession start(String appName, Map<String, String> settings) {
    SparkConf conf = new SparkConf().setAppName(appName);
    settings.forEach(conf::set);
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    // Encoders and coders are deterministic; a slow task is better retried than raced.
    conf.setIfMissing("spark.speculation", "false");
    try {
      return org.apache.spark.sql.classic.SparkSession.builder().config(conf).getOrCreate();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("--driver-memory")) {
        // Spark's advice names spark-submit's flag; jobs/fsq takes the heap size from FSQ_DRIVER_MEMORY.
        throw new BadInputException("The driver JVM's heap (" + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MB) is too small for Spark (" + message.replaceAll("\\s*Please.*", "") + "): set FSQ_DRIVER_MEMORY=4g"
            + " for jobs/fsq, or --driver-memory 4g in FSQ_SUBMIT_ARGS under spark-submit", e);
      }
      throw e;
    }
  }
}
