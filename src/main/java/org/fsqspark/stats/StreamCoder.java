package org.fsqspark.stats;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.fsqspark.fsq.Levels;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Codes one stream of token grids (a partition) under every {@link CostModel} but {@code FIXED} (which is
 * arithmetic, see {@link #fixedBytes}) with real coders and, when asked, decodes each result and checks it
 * gives the tokens back. Costs are the real coded bytes.
 */
public final class StreamCoder {
  /** Largest codebook the adaptive order-0 models handle: they need room to count 2^23 tokens. */
  public static final int MAX_ADAPTIVE_CODES = 1 << 23;
  private static final int ZSTD_LEVEL = 19;
  private static final int XZ_PRESET = 9;

  private final Levels levels;
  private final UnigramCode unigram;
  private final boolean verify;

  public StreamCoder(Levels levels, UnigramCode unigram, boolean verify) {
    this.levels = levels;
    this.unigram = unigram;
    this.verify = verify;
  }

  /**
   * Whether the stream of partition {@code partition} is decoded back and compared when a {@code fraction} of
   * the partitions is: a stable, evenly spread choice by golden-ratio stepping over [0, 1).
   */
  public static boolean verifies(int partition, double fraction) {
    return fraction >= 1 || ((partition * 0.6180339887498949) % 1.0) < fraction;
  }

  /** Bytes of {@code tokens} raw indices packed at ceil(log2 |C|) bits each. */
  public static long fixedBytes(Levels levels, long tokens) {
    int bitsPerToken = 32 - Integer.numberOfLeadingZeros(Math.max(1, levels.codebookSize() - 1));
    return (tokens * bitsPerToken + 7) / 8;
  }

  public CompressionCost code(List<TokenGrid> grids) {
    CompressionCost cost = new CompressionCost();
    long tokens = grids.stream().mapToLong(g -> g.tokens().length).sum();
    cost.addTokens(tokens, grids.size());
    cost.addStream();
    if (grids.isEmpty()) {
      return cost;
    }
    unigram(grids, cost);
    adaptive(grids, cost);
    context(grids, cost);
    general(grids, tokens, cost);
    if (verify) {
      cost.addVerified(tokens);
    }
    return cost;
  }

  private void unigram(List<TokenGrid> grids, CompressionCost cost) {
    byte[] coded = unigramStream(grids);
    cost.addBytes(CostModel.UNIGRAM, coded.length);
    if (verify) {
      RangeDecoder decoder = new RangeDecoder(coded);
      for (TokenGrid grid : grids) {
        for (int token : grid.tokens()) {
          check(CostModel.UNIGRAM, token, unigram.decode(decoder));
        }
      }
    }
  }

  private void adaptive(List<TokenGrid> grids, CompressionCost cost) {
    if (levels.codebookSize() > MAX_ADAPTIVE_CODES) {
      String reason = "codebook of " + levels.codebookSize() + " codes is larger than " + MAX_ADAPTIVE_CODES;
      cost.skip(CostModel.ADAPTIVE_IMAGE, reason);
      cost.skip(CostModel.ADAPTIVE_STREAM, reason);
      return;
    }
    for (boolean perImage : new boolean[] {true, false}) {
      CostModel name = perImage ? CostModel.ADAPTIVE_IMAGE : CostModel.ADAPTIVE_STREAM;
      AdaptiveModel model = new AdaptiveModel(levels.codebookSize());
      RangeEncoder encoder = new RangeEncoder();
      for (TokenGrid grid : grids) {
        prepare(model, perImage, grid);
        for (int token : grid.tokens()) {
          model.encode(encoder, token);
        }
      }
      byte[] coded = encoder.finish();
      cost.addBytes(name, coded.length);
      if (verify) {
        model = new AdaptiveModel(levels.codebookSize());
        RangeDecoder decoder = new RangeDecoder(coded);
        for (TokenGrid grid : grids) {
          prepare(model, perImage, grid);
          for (int token : grid.tokens()) {
            check(name, token, model.decode(decoder));
          }
        }
      }
    }
  }

  /** Restarts the model per image, or when the stream has taught it all the coder's total allows. */
  private static void prepare(AdaptiveModel model, boolean perImage, TokenGrid grid) {
    if (perImage || model.total() + (long) grid.tokens().length > RangeEncoder.MAX_TOTAL) {
      model.reset();
    }
  }

  private void context(List<TokenGrid> grids, CompressionCost cost) {
    String unsupported = ContextModel.unsupportedReason(levels);
    if (unsupported != null) {
      cost.skip(CostModel.CONTEXT, "the context model " + unsupported);
      return;
    }
    byte[] coded = contextStream(grids);
    cost.addBytes(CostModel.CONTEXT, coded.length);
    if (verify) {
      ContextModel decoding = new ContextModel(levels);
      RangeDecoder decoder = new RangeDecoder(coded);
      for (TokenGrid grid : grids) {
        int[] decoded = decoding.decode(decoder, grid.height(), grid.width());
        for (int i = 0; i < decoded.length; i++) {
          check(CostModel.CONTEXT, grid.tokens()[i], decoded[i]);
        }
      }
    }
  }

  /** The bytes the context model's stream of {@code grids} is coded into: what {@link #code} measures. */
  public byte[] contextStream(List<TokenGrid> grids) {
    ContextModel model = new ContextModel(levels);
    RangeEncoder encoder = new RangeEncoder();
    for (TokenGrid grid : grids) {
      model.encode(encoder, grid);
    }
    return encoder.finish();
  }

  /** The bytes the unigram model's stream of {@code grids} is coded into (its header is separate). */
  public byte[] unigramStream(List<TokenGrid> grids) {
    RangeEncoder encoder = new RangeEncoder();
    for (TokenGrid grid : grids) {
      for (int token : grid.tokens()) {
        unigram.encode(encoder, token);
      }
    }
    return encoder.finish();
  }

  private void general(List<TokenGrid> grids, long tokens, CompressionCost cost) {
    boolean narrow = levels.codebookSize() <= 1 << 16;
    ByteBuffer packed = ByteBuffer.allocate((int) (tokens * (narrow ? 2 : 4))).order(ByteOrder.LITTLE_ENDIAN);
    for (TokenGrid grid : grids) {
      for (int token : grid.tokens()) {
        if (narrow) {
          packed.putShort((short) token);
        } else {
          packed.putInt(token);
        }
      }
    }
    byte[] raw = packed.array();
    byte[] zstd = Zstd.compress(raw, ZSTD_LEVEL);
    cost.addBytes(CostModel.ZSTD, zstd.length);
    byte[] xz = xz(raw);
    cost.addBytes(CostModel.XZ, xz.length);
    if (verify) {
      if (!java.util.Arrays.equals(raw, Zstd.decompress(zstd, raw.length))) {
        throw new IllegalStateException("zstd did not give the tokens back");
      }
      if (!java.util.Arrays.equals(raw, unxz(xz))) {
        throw new IllegalStateException("xz did not give the tokens back");
      }
    }
  }

  private static byte[] xz(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      LZMA2Options options = new LZMA2Options(XZ_PRESET);
      // A dictionary larger than the stream cannot find more matches, only costs memory (preset 9 alone
      // would need ~674 MB per task), so it is capped at the stream's size: same output, bounded memory.
      int dictionary = Math.max(LZMA2Options.DICT_SIZE_MIN, Integer.highestOneBit(Math.max(1, raw.length - 1)) << 1);
      options.setDictSize(Math.min(options.getDictSize(), dictionary));
      XZOutputStream xz = new XZOutputStream(out, options);
      xz.write(raw);
      xz.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] unxz(byte[] coded) {
    try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(coded))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(CostModel model, int expected, int actual) {
    if (expected != actual) {
      throw new IllegalStateException("Decoding the " + model.label() + " stream gave token " + actual + " where "
          + expected + " was coded: the coder is broken");
    }
  }
}
