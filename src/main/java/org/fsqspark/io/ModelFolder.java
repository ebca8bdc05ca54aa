package org.fsqspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;

/** A local folder holding {@code tokenizer.json} and the weights it names, checked when opened. */
public final class ModelFolder {
  private final Path directory;
  private final TokenizerManifest manifest;

  private ModelFolder(Path directory, TokenizerManifest manifest) {
    this.directory = directory;
    this.manifest = manifest;
  }

  /** Opens a model folder, verifying that the weights exist and match the manifest's sha256. */
  public static ModelFolder open(Path directory) {
    Path manifestFile = directory.resolve(TokenizerManifest.FILE_NAME);
    if (!Files.isDirectory(directory)) {
      throw new BadInputException("Model folder " + directory + " does not exist; pass --model default "
          + "or a folder with " + TokenizerManifest.FILE_NAME + " and the weights it names");
    }
    if (!Files.isRegularFile(manifestFile)) {
      throw new BadInputException("Model folder " + directory + " has no " + TokenizerManifest.FILE_NAME
          + "; write one as described in the README (format, levels, bound, input_size, ...)");
    }
    TokenizerManifest manifest;
    try {
      manifest = TokenizerManifest.fromJson(Files.readString(manifestFile, StandardCharsets.UTF_8), manifestFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + manifestFile, e);
    }
    Path weights = directory.resolve(manifest.weights());
    if (!Files.isRegularFile(weights)) {
      throw new BadInputException(
          "Weights file " + weights + " named by " + manifestFile + " does not exist");
    }
    check(weights, manifest.sha256(), manifestFile);
    if (manifest.decoderWeights() != null && Files.exists(directory.resolve(manifest.decoderWeights()))) {
      check(directory.resolve(manifest.decoderWeights()), manifest.decoderSha256(), manifestFile);
    }
    if (manifest.vq() != null) {
      Path codebook = directory.resolve(manifest.vq().file());
      if (!Files.isRegularFile(codebook)) {
        throw new BadInputException("Codebook " + codebook + " named by " + manifestFile + " does not exist");
      }
      check(codebook, manifest.vq().sha256(), manifestFile);
    }
    return new ModelFolder(directory, manifest);
  }

  private static void check(Path file, String expected, Path manifestFile) {
    if (expected != null) {
      String actual = sha256(file);
      if (!actual.equals(expected)) {
        throw new BadInputException(file + " has sha256 " + actual + " but " + manifestFile + " says "
            + expected + "; the files do not belong together");
      }
    }
  }

  /** The VQ codebook of this folder's model, read as floats; null for FSQ models. */
  public float[] codebook() {
    if (manifest.vq() == null) {
      return null;
    }
    Path file = directory.resolve(manifest.vq().file());
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != manifest.vq().bytes()) {
        throw new BadInputException("Codebook " + file + " has " + bytes.length + " bytes; "
            + manifest.vq().size() + " x " + manifest.vq().dimension() + " float32 need " + manifest.vq().bytes());
      }
      float[] values = new float[bytes.length / 4];
      java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  public Path directory() {
    return directory;
  }

  public TokenizerManifest manifest() {
    return manifest;
  }

  public Path weights() {
    return directory.resolve(manifest.weights());
  }

  /** Hex sha256 of a file's bytes. */
  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return directory + " (" + manifest.name() + " " + manifest.version() + ")";
  }
}
