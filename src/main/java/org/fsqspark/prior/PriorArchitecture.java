package org.fsqspark.prior;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.fsqspark.fsq.Levels;
import org.fsqspark.error.BadInputException;

/**
 * The shape of a masked-transformer prior over token grids: what {@link PriorNetwork} builds and what
 * {@code prior.json} records. Valid by construction.
 *
 * @param levels the tokenizer's levels; |C| is their product. The input embedding is a sum of one digit
 *     embedding per channel when {@code factorised}, else one row per code
 * @param gridHeight token rows of every grid the prior reads
 * @param gridWidth token columns
 * @param layers pre-LN transformer blocks
 * @param width model width d
 * @param heads attention heads; must divide {@code width}
 * @param mlpRatio hidden width of each block's MLP as a multiple of {@code width}
 * @param classes class labels 0..classes-1 the prior is conditioned on (one more index is the "no label"
 *     class); 0 for an unconditional prior
 * @param factorised whether tokens are embedded as a sum of per-channel digit embeddings
 */
public record PriorArchitecture(Levels levels, int gridHeight, int gridWidth, int layers, int width, int heads,
    int mlpRatio, int classes, boolean factorised) {

  /** Largest grid the prior accepts: attention is quadratic in the token count. */
  public static final int MAX_TOKENS = 4096;

  public PriorArchitecture {
    if (levels == null) {
      throw new IllegalArgumentException("levels are missing");
    }
    if (gridHeight < 1 || gridWidth < 1 || (long) gridHeight * gridWidth > MAX_TOKENS) {
      throw new BadInputException("A prior's grid must have 1 to " + MAX_TOKENS + " tokens, got "
          + gridHeight + "x" + gridWidth);
    }
    if (layers < 1 || layers > 64) {
      throw new BadInputException("--layers must be between 1 and 64, got " + layers);
    }
    if (width < 8 || width > 4096) {
      throw new BadInputException("--width must be between 8 and 4096, got " + width);
    }
    if (heads < 1 || width % heads != 0) {
      throw new BadInputException("--heads must be at least 1 and divide --width " + width + ", got " + heads);
    }
    if (mlpRatio < 1 || mlpRatio > 16) {
      throw new IllegalArgumentException("The MLP ratio must be between 1 and 16, got " + mlpRatio);
    }
    if (classes < 0 || classes > 1_000_000) {
      throw new BadInputException("The number of classes must be between 0 and 1000000, got " + classes);
    }
  }

  /** |C|, the number of symbols the prior predicts at every position. */
  public int codebookSize() {
    return levels.codebookSize();
  }

  /** Token positions per grid. */
  public int positions() {
    return gridHeight * gridWidth;
  }

  /** Positions the transformer attends over: the grid plus the class token when conditioned. */
  public int sequenceLength() {
    return positions() + (conditioned() ? 1 : 0);
  }

  public boolean conditioned() {
    return classes > 0;
  }

  /** The class index that means "no label" (condition dropout, unconditional coding and sampling). */
  public int nullClass() {
    return classes;
  }

  /** Rows of the input embedding table: per channel its levels plus a mask row, or |C| plus a mask row. */
  public int embeddingRows() {
    if (!factorised) {
      return codebookSize() + 1;
    }
    int rows = 0;
    for (int c = 0; c < levels.channels(); c++) {
      rows += levels.get(c) + 1;
    }
    return rows;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("name", "masked-transformer");
    JsonArray levelArray = new JsonArray();
    for (int level : levels.toArray()) {
      levelArray.add(level);
    }
    json.add("levels", levelArray);
    json.addProperty("codebook_size", codebookSize());
    JsonArray grid = new JsonArray();
    grid.add(gridHeight);
    grid.add(gridWidth);
    json.add("grid", grid);
    json.addProperty("layers", layers);
    json.addProperty("width", width);
    json.addProperty("heads", heads);
    json.addProperty("mlp_ratio", mlpRatio);
    json.addProperty("classes", classes);
    json.addProperty("embedding", factorised ? "factorised" : "full");
    json.addProperty("norm", "pre-LN");
    json.addProperty("activation", "gelu");
    return json;
  }

  public static PriorArchitecture fromJson(JsonObject json) {
    try {
      JsonArray levelArray = json.getAsJsonArray("levels");
      int[] levels = new int[levelArray.size()];
      for (int i = 0; i < levels.length; i++) {
        levels[i] = levelArray.get(i).getAsInt();
      }
      JsonArray grid = json.getAsJsonArray("grid");
      String embedding = json.get("embedding").getAsString();
      if (!embedding.equals("factorised") && !embedding.equals("full")) {
        throw new BadInputException("embedding must be factorised or full, got " + embedding);
      }
      return new PriorArchitecture(Levels.of(levels), grid.get(0).getAsInt(), grid.get(1).getAsInt(),
          json.get("layers").getAsInt(), json.get("width").getAsInt(), json.get("heads").getAsInt(),
          json.get("mlp_ratio").getAsInt(), json.get("classes").getAsInt(), embedding.equals("factorised"));
    } catch (NullPointerException | IllegalStateException | ClassCastException | IndexOutOfBoundsException e) {
      throw new BadInputException("The prior's architecture object is incomplete or malformed: " + json);
    }
  }

  /** One line for progress output. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%d layers, width %d, %d heads, %s embedding over %s (|C| = %d), "
            + "%dx%d grid%s", layers, width, heads, factorised ? "factorised" : "full", levels, codebookSize(),
        gridHeight, gridWidth, conditioned() ? ", " + classes + " classes" : ", unconditional");
  }
}
