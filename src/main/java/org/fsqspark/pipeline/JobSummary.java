package org.fsqspark.pipeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** The {@code _job.json} written last beside a token table: it marks the table complete and says how it was made. */
public final class JobSummary {
  private JobSummary() {}

  public static String toJson(TokenizeConfig config, TokenizeResult result) {
    JsonObject root = new JsonObject();
    root.addProperty("job", "tokenize");
    root.addProperty("complete", true);
    root.addProperty("input", config.input());
    root.addProperty("model", config.model());
    root.addProperty("batch_size", config.batchSize());
    root.addProperty("max_pixels", config.maxPixels());
    root.addProperty("accept_truncated", config.acceptTruncated());
    root.addProperty("device", config.device().kind() + (config.device().ordinal() >= 0 ? ":" + config.device().ordinal() : ""));
    if (!config.variants().isNone()) {
      // Rows per image, in the order they are written; a table without this key has one row per image.
      root.add("variants", com.google.gson.JsonParser.parseString(config.variants().toJson()));
    }
    root.addProperty("inputs", result.inputs());
    root.addProperty("tokenized", result.tokenized());
    root.addProperty("rejected", result.rejected());
    root.addProperty("tokens", result.tokens());
    root.addProperty("truncated_accepted_this_run", result.truncatedAccepted());
    root.addProperty("shards", result.shards());
    root.addProperty("shards_resumed_from_earlier_runs", result.shardsSkipped());
    root.addProperty("seconds_this_run", Math.round(result.seconds() * 1000) / 1000.0);
    if (!Double.isNaN(result.firstImageSeconds())) {
      // From the launcher's start (or the JVM's), so it includes JVM and Spark start, listing and model load.
      root.addProperty("first_image_seconds", Math.round(result.firstImageSeconds() * 1000) / 1000.0);
    }
    root.addProperty("model_loads_this_run", result.modelLoads());
    root.addProperty("executor_jvms_this_run", result.executorJvms());
    root.addProperty("shards_on_driver_this_run", result.shardsOnDriver());
    JsonArray gpus = new JsonArray();
    result.gpus().forEach(gpus::add);
    root.add("gpu_addresses_this_run", gpus);
    root.addProperty("fsq_spark_version", JobSummary.class.getPackage().getImplementationVersion());
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }
}
