package org.fsqspark.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

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
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
