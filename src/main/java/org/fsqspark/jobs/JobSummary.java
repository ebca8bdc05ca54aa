package org.fsqspark.jobs;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

/** The {@code _job.json} written beside a token table: what ran, with which settings, and what it produced. */
final class JobSummary {
  private JobSummary() {}

  static String toJson(TokenizeConfig config, TokenizeResult result) {
    JsonObject root = new JsonObject();
    root.addProperty("job", "tokenize");
    root.addProperty("input", config.input());
    root.addProperty("model", config.model());
    root.addProperty("batch_size", config.batchSize());
    root.addProperty("max_pixels", config.maxPixels());
    root.addProperty("device", config.device().kind() + (config.device().ordinal() >= 0 ? ":" + config.device().ordinal() : ""));
    root.addProperty("inputs", result.inputs());
    root.addProperty("tokenized", result.tokenized());
    root.addProperty("rejected", result.rejected());
    root.addProperty("tokens", result.tokens());
    root.addProperty("seconds", Math.round(result.seconds() * 1000) / 1000.0);
    root.addProperty("model_loads", result.modelLoads());
    root.addProperty("executor_jvms", result.executorJvms());
    root.addProperty("fsq_spark_version", JobSummary.class.getPackage().getImplementationVersion());
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }
}
