package org.fsqspark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.PendingImage;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.contract.TokenizerManifest;

/**
 * Decode + preprocess on this one thread, as one of the job's decode threads does it: read the file, open with
 * {@link ImageDecoder} and preprocess with {@link Preprocessor} into the model's float buffer, as the job does. The first
 * WARMUP files warm the JIT; the next COUNT (0: all the rest) are timed. scripts/bench pins it to one core
 * beside the PIL twin ({@code dataloader-peer.py decode}). Prints {@code java_cold_images_per_s: N} (the
 * warm-up files, JIT compiling on the same core) and {@code java_images_per_s: N} (the timed ones).
 *
 * <p>Usage: DecodeBench TOKENIZER_JSON IMAGE_DIR WARMUP COUNT
 */
public final class DecodeBench {
  private DecodeBench() {}

  public static void main(String[] args) throws Exception {
    TokenizerManifest manifest = TokenizerManifest.fromJson(Files.readString(Path.of(args[0])), args[0]);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(args[1]))) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)$")).sorted().toList();
    }
    int warmup = Math.min(Integer.parseInt(args[2]), files.size());
    int count = Integer.parseInt(args[3]);
    List<Path> measured = files.subList(warmup, count > 0 ? Math.min(files.size(), warmup + count) : files.size());
    Preprocessor preprocessor = new Preprocessor(manifest.channels(), manifest.inputHeight(), manifest.inputWidth(),
        manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
    float[] out = new float[preprocessor.valuesPerImage()];
    double checksum = 0;
    long coldStart = System.nanoTime();
    for (Path file : files.subList(0, warmup)) {
      checksum += decode(file, preprocessor, out);
    }
    double coldSeconds = (System.nanoTime() - coldStart) / 1e9;
    if (warmup > 0) {
      // The first images of a JVM, the JIT compiling beside them on the same core: what a short run gets.
      System.out.println(String.format(Locale.ROOT, "java_cold_images_per_s: %.3f", warmup / coldSeconds));
    }
    long start = System.nanoTime();
    for (Path file : measured) {
      checksum += decode(file, preprocessor, out);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println(String.format(Locale.ROOT, "java_images_per_s: %.3f", measured.size() / seconds));
    // Printed so the JIT cannot drop the work as unused.
    System.err.println("checksum " + checksum);
  }

  private static float decode(Path file, Preprocessor preprocessor, float[] out) throws Exception {
    // The job's path (TokenizeShards.prepare): open reads the header, then the preprocessor decodes at the
    // reduced size it needs (DCT-domain JPEG reduction) straight into the model's buffer.
    try (PendingImage pending = new ImageDecoder().open(Files.readAllBytes(file), file.toString())) {
      preprocessor.write(pending, out, 0);
    }
    return out[out.length / 2];
  }
}
