package org.fsqspark.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.model.ConvAutoencoder;

/**
 * Writes the encoder parameters of a djl model folder as raw little-endian float32 plus a JSON index, so
 * scripts/python-baseline.py can rebuild the same encoder in torch and export it to TorchScript.
 * Usage: ExportWeights default|MODEL_DIR OUT_DIR
 */
public final class ExportWeights {
  private ExportWeights() {}

  public static void main(String[] args) throws Exception {
    Path out = Files.createDirectories(Path.of(args[1]));
    ModelFolder folder = "default".equals(args[0]) ? ModelPackage.bundledDefault().materialize(out.resolve("djl"))
        : ModelFolder.open(Path.of(args[0]));
    TokenizerManifest manifest = folder.manifest();
    ConvAutoencoder architecture = ConvAutoencoder.fromJson(manifest.architecture());
    SequentialBlock encoder = architecture.encoder();
    JsonArray index = new JsonArray();
    try (Model model = Model.newInstance("encoder", Device.cpu())) {
      model.setBlock(encoder);
      model.load(folder.directory(), "encoder");
      try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(out.resolve("weights.bin")))) {
        for (Pair<String, Parameter> parameter : encoder.getParameters()) {
          NDArray array = parameter.getValue().getArray();
          float[] values = array.toFloatArray();
          ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
          buffer.asFloatBuffer().put(values);
          data.write(buffer.array());
          JsonObject entry = new JsonObject();
          entry.addProperty("name", parameter.getKey());
          JsonArray shape = new JsonArray();
          for (long dimension : array.getShape().getShape()) {
            shape.add(dimension);
          }
          entry.add("shape", shape);
          index.add(entry);
        }
      }
    }
    JsonObject root = new JsonObject();
    root.add("parameters", index);
    root.add("manifest", com.google.gson.JsonParser.parseString(manifest.toJson()));
    Files.writeString(out.resolve("weights.json"), root.toString());
    System.out.println("exported " + index.size() + " parameters of " + manifest.name() + " to " + out);
  }
}
