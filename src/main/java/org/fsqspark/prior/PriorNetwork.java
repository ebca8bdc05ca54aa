package org.fsqspark.prior;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fsqspark.error.BadInputException;

/**
 * A bidirectional transformer over a token grid, written as plain NDArray operations so every step is in
 * view: input embedding (per-code, or the sum of one embedding per FSQ channel digit; masked positions use
 * a learned mask row), learned position embeddings, an optional class token (index {@code classes} is "no
 * label"), pre-LN blocks of multi-head self-attention and a GELU MLP, a final LayerNorm and a projection to
 * |C| logits per position. The same code runs on a GPU when the manager's device is one.
 *
 * <p>Parameters live in this network's manager; every intermediate array of {@link #logits} is created in
 * the caller's scope (each operation is called on a scope-owned array), so a closed scope frees them all.
 * Forward passes may run on several threads at once, each with its own scope.
 */
public final class PriorNetwork implements AutoCloseable {
  /** Token value that marks a masked (unknown) position in {@link #logits} inputs. */
  public static final int MASKED = -1;
  private static final float LAYER_NORM_EPS = 1e-5f;

  private final PriorArchitecture architecture;
  private final NDManager manager;
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();
  /** For each code, its row in the embedding table per channel (factorised) or itself (full). */
  private final int[] embeddingIndex;
  private final int[] maskIndex;
  private final int channels;

  private PriorNetwork(PriorArchitecture architecture, NDManager manager) {
    this.architecture = architecture;
    this.manager = manager;
    this.channels = architecture.factorised() ? architecture.levels().channels() : 1;
    int codes = architecture.codebookSize();
    this.embeddingIndex = new int[codes * channels];
    this.maskIndex = new int[channels];
    if (architecture.factorised()) {
      int[] offsets = new int[channels];
      for (int c = 1; c < channels; c++) {
        offsets[c] = offsets[c - 1] + architecture.levels().get(c - 1) + 1;
      }
      int[] digits = new int[channels];
      for (int code = 0; code < codes; code++) {
        architecture.levels().digitsOf(code, digits);
        for (int c = 0; c < channels; c++) {
          embeddingIndex[code * channels + c] = offsets[c] + digits[c];
        }
      }
      for (int c = 0; c < channels; c++) {
        maskIndex[c] = offsets[c] + architecture.levels().get(c);
      }
    } else {
      for (int code = 0; code < codes; code++) {
        embeddingIndex[code] = code;
      }
      maskIndex[0] = codes;
    }
  }

  /** How a parameter starts: N(0, std) when {@code std > 0}, else the constant {@code value}. */
  private record Spec(String name, Shape shape, float std, float value) {}

  /** Every parameter's name, shape and initialisation, in the fixed order of the weight file. */
  private static java.util.List<Spec> layout(PriorArchitecture architecture) {
    int d = architecture.width();
    int hidden = d * architecture.mlpRatio();
    // GPT-2's initialisation: N(0, 0.02), residual output projections scaled by 1/sqrt(2 * layers).
    float std = 0.02f;
    float residual = (float) (0.02 / Math.sqrt(2.0 * architecture.layers()));
    java.util.List<Spec> specs = new java.util.ArrayList<>();
    specs.add(new Spec("embed.tokens", new Shape(architecture.embeddingRows(), d), std, 0));
    specs.add(new Spec("embed.position", new Shape(architecture.sequenceLength(), d), std, 0));
    if (architecture.conditioned()) {
      specs.add(new Spec("embed.class", new Shape(architecture.classes() + 1, d), std, 0));
    }
    for (int layer = 0; layer < architecture.layers(); layer++) {
      String p = "layer" + layer + ".";
      specs.add(new Spec(p + "ln1.gamma", new Shape(d), 0, 1));
      specs.add(new Spec(p + "ln1.beta", new Shape(d), 0, 0));
      specs.add(new Spec(p + "attn.qkv.weight", new Shape(d, 3 * d), std, 0));
      specs.add(new Spec(p + "attn.qkv.bias", new Shape(3 * d), 0, 0));
      specs.add(new Spec(p + "attn.out.weight", new Shape(d, d), residual, 0));
      specs.add(new Spec(p + "attn.out.bias", new Shape(d), 0, 0));
      specs.add(new Spec(p + "ln2.gamma", new Shape(d), 0, 1));
      specs.add(new Spec(p + "ln2.beta", new Shape(d), 0, 0));
      specs.add(new Spec(p + "mlp.in.weight", new Shape(d, hidden), std, 0));
      specs.add(new Spec(p + "mlp.in.bias", new Shape(hidden), 0, 0));
      specs.add(new Spec(p + "mlp.out.weight", new Shape(hidden, d), residual, 0));
      specs.add(new Spec(p + "mlp.out.bias", new Shape(d), 0, 0));
    }
    specs.add(new Spec("final.ln.gamma", new Shape(d), 0, 1));
    specs.add(new Spec("final.ln.beta", new Shape(d), 0, 0));
    specs.add(new Spec("head.weight", new Shape(d, architecture.codebookSize()), std, 0));
    specs.add(new Spec("head.bias", new Shape(architecture.codebookSize()), 0, 0));
    return specs;
  }

  /** The names and shapes of the parameters an architecture has, in file order. */
  static Map<String, Shape> shapes(PriorArchitecture architecture) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    for (Spec spec : layout(architecture)) {
      shapes.put(spec.name(), spec.shape());
    }
    return shapes;
  }

  /** A new network with weights drawn from {@code seed} (the same seed gives the same weights on any device). */
  public static PriorNetwork initialise(PriorArchitecture architecture, Device device, long seed) {
    PriorNetwork network = new PriorNetwork(architecture, NDManager.newBaseManager(device));
    SplittableRandom random = new SplittableRandom(seed);
    for (Spec spec : layout(architecture)) {
      float[] values = new float[Math.toIntExact(spec.shape().size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = spec.std() > 0 ? (float) (gaussian(random) * spec.std()) : spec.value();
      }
      network.add(spec.name(), values, spec.shape());
    }
    return network;
  }

  /** Reads weights written by {@link #write}; refuses a file whose names or shapes disagree with the architecture. */
  public static PriorNetwork read(PriorArchitecture architecture, Device device, DataInputStream in)
      throws IOException {
    Map<String, Shape> expected = shapes(architecture);
    PriorNetwork network = new PriorNetwork(architecture, NDManager.newBaseManager(device));
    try {
      ArrayFile.read(in, expected, (name, values, shape) -> network.add(name, values, shape));
      if (!network.parameters.keySet().equals(expected.keySet())) {
        throw new BadInputException("The weights hold " + network.parameters.size() + " arrays, the"
            + " architecture needs " + expected.size());
      }
      return network;
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
  }

  /** Writes every parameter: names, shapes and little-endian float32 values. */
  public void write(DataOutputStream out) throws IOException {
    ArrayFile.write(out, parameters);
  }

  public PriorArchitecture architecture() {
    return architecture;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** The parameters by name, in a fixed order (the optimizer and the weight file rely on it). */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** Number of trainable values. */
  public long size() {
    return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** Marks every parameter as requiring gradients (training). */
  public void requireGradients() {
    for (NDArray parameter : parameters.values()) {
      parameter.setRequiresGradient(true);
    }
  }

  /**
   * Logits (batch, positions, |C|) for {@code batch} grids in row-major order; {@code tokens[b * positions +
   * i]} is a code or {@link #MASKED}. {@code classes} gives each grid's class (the null class for none), or
   * is null for an unconditional prior. Every array created lives in {@code scope}.
   */
  public NDArray logits(NDManager scope, int[] tokens, int[] classes, int batch) {
    return logitsAt(scope, tokens, classes, batch, null);
  }

  /**
   * Logits (rows.length, |C|) at the given positions only: {@code rows[k] = b * positions + i} picks grid b's
   * position i. The output projection, a sizeable share of the work at |C| = 1000, then runs for those rows
   * only. {@code rows} null means every position, shaped (batch, positions, |C|).
   */
  public NDArray logitsAt(NDManager scope, int[] tokens, int[] classes, int batch, long[] rows) {
    int positions = architecture.positions();
    int d = architecture.width();
    if (tokens.length != batch * positions) {
      throw new IllegalArgumentException("Expected " + batch * positions + " tokens for " + batch + " grids of "
          + positions + ", got " + tokens.length);
    }
    long[] embeddingRows = new long[tokens.length * channels];
    for (int i = 0; i < tokens.length; i++) {
      int token = tokens[i];
      for (int c = 0; c < channels; c++) {
        embeddingRows[i * channels + c] = token == MASKED ? maskIndex[c] : embeddingIndex[token * channels + c];
      }
    }
    NDArray index = scope.create(embeddingRows).toDevice(device(), false);
    NDArray x = embed(index, parameters.get("embed.tokens"));
    if (channels > 1) {
      x = x.reshape(batch, positions, channels, d).sum(new int[] {2});
    } else {
      x = x.reshape(batch, positions, d);
    }
    if (architecture.conditioned()) {
      if (classes == null || classes.length != batch) {
        throw new IllegalArgumentException("A conditioned prior needs one class per grid");
      }
      long[] classRows = new long[batch];
      for (int b = 0; b < batch; b++) {
        if (classes[b] < 0 || classes[b] > architecture.classes()) {
          throw new IllegalArgumentException("Class " + classes[b] + " is outside 0.." + architecture.classes());
        }
        classRows[b] = classes[b];
      }
      NDArray classToken = embed(scope.create(classRows).toDevice(device(), false), parameters.get("embed.class"))
          .reshape(batch, 1, d);
      x = classToken.concat(x, 1);
    }
    x = x.add(parameters.get("embed.position"));
    for (int layer = 0; layer < architecture.layers(); layer++) {
      x = block(x, "layer" + layer + ".", batch);
    }
    x = layerNorm(x, "final.ln.");
    if (architecture.conditioned()) {
      x = x.get(":, 1:, :");
    }
    if (rows != null) {
      x = x.reshape(batch * positions, d).get(scope.create(rows).toDevice(device(), false));
    }
    return x.matMul(parameters.get("head.weight")).add(parameters.get("head.bias"));
  }

  private NDArray block(NDArray x, String prefix, int batch) {
    int d = architecture.width();
    int heads = architecture.heads();
    int headWidth = d / heads;
    int length = architecture.sequenceLength();
    NDArray h = layerNorm(x, prefix + "ln1.");
    NDArray qkv = h.matMul(parameters.get(prefix + "attn.qkv.weight")).add(parameters.get(prefix + "attn.qkv.bias"))
        .reshape(batch, length, 3, heads, headWidth).transpose(2, 0, 3, 1, 4);
    NDArray q = qkv.get(0).mul(1.0 / Math.sqrt(headWidth));
    NDArray k = qkv.get(1);
    NDArray v = qkv.get(2);
    NDArray attention = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
    NDArray mixed = attention.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, d);
    x = x.add(mixed.matMul(parameters.get(prefix + "attn.out.weight")).add(parameters.get(prefix + "attn.out.bias")));
    h = layerNorm(x, prefix + "ln2.");
    NDArray hidden = h.matMul(parameters.get(prefix + "mlp.in.weight")).add(parameters.get(prefix + "mlp.in.bias"));
    hidden = hidden.getNDArrayInternal().gelu();
    return x.add(hidden.matMul(parameters.get(prefix + "mlp.out.weight")).add(parameters.get(prefix + "mlp.out.bias")));
  }

  private NDArray layerNorm(NDArray x, String prefix) {
    NDArrayEx ex = x.getNDArrayInternal();
    return ex.layerNorm(x, new Shape(architecture.width()), parameters.get(prefix + "gamma"),
        parameters.get(prefix + "beta"), LAYER_NORM_EPS).singletonOrThrow();
  }

  private static NDArray embed(NDArray index, NDArray table) {
    NDList result = index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE);
    return result.singletonOrThrow();
  }

  @Override
  public void close() {
    manager.close();
  }

  // ---- parameters ----

  private void add(String name, float[] values, Shape shape) {
    NDArray array = manager.create(values, shape);
    array.setName(name);
    parameters.put(name, array);
  }

  /** A standard normal draw by Box-Muller with StrictMath, so weights are the same on every JVM. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
  }
}
