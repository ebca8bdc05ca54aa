package org.fsqspark.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.fsqspark.contract.RejectStage;

/**
 * Decodes encoded image bytes (PNG, JPEG and whatever other ImageIO readers are on the classpath) into
 * {@link DecodedImage} planes. The size declared in the header is checked against a pixel limit before
 * the pixels are decoded, so a decompression bomb costs a header read, not gigabytes.
 *
 * <p>Decoding happens in two steps so that callers can budget memory: {@link #open} reads the header, checks
 * the size and the file's framing ({@link TruncationCheck}) and estimates the decode's memory; then
 * {@link PendingImage#decode} allocates and decodes. A file that ends early or whose data the decoder reports
 * as damaged is rejected, unless the decoder {@linkplain #acceptingTruncated() accepts truncated images}: then
 * whatever could be decoded is kept (the decoder's fill for the missing part: grey for JPEG, black elsewhere)
 * and {@link PendingImage#damage()} says why it is incomplete. Running out of heap is a
 * {@link DecodeMemoryException}, never a rejection.
 */
public final class ImageDecoder {
  /** 64 megapixels: larger than any camera photo in common datasets, far below what would exhaust a heap. */
  public static final long DEFAULT_MAX_PIXELS = 64L << 20;

  static final String ACCEPT_HINT = " (pass --accept-truncated to tokenize what can be decoded)";

  private final long maxPixels;
  private final boolean acceptTruncated;
  /** Where whole JPEGs go first: the JVM's native decoder, or null for ImageIO only. */
  private final Supplier<Optional<NativeJpeg>> nativeJpeg;

  public ImageDecoder(long maxPixels) {
    this(maxPixels, false, NativeJpeg::shared);
  }

  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS);
  }

  ImageDecoder(long maxPixels, boolean acceptTruncated, Supplier<Optional<NativeJpeg>> nativeJpeg) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("Pixel limit must be positive, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
    this.acceptTruncated = acceptTruncated;
    this.nativeJpeg = nativeJpeg;
  }

  /** A decoder with the same limit that keeps truncated or damaged images instead of rejecting them. */
  public ImageDecoder acceptingTruncated() {
    return new ImageDecoder(maxPixels, true, nativeJpeg);
  }

  /** A decoder with the same settings that decodes every format with ImageIO, at full size. */
  public ImageDecoder withImageIoOnly() {
    return new ImageDecoder(maxPixels, acceptTruncated, Optional::empty);
  }

  /** Decodes the first frame of {@code bytes}; {@code source} only names the input in error messages. */
  public DecodedImage decode(byte[] bytes, String source) throws ImageRejectedException {
    try (PendingImage image = open(bytes, source)) {
      return image.decode();
    }
  }

  /**
   * Reads the header of {@code bytes} and checks it without decoding any pixel: rejects unknown formats,
   * empty or oversized images, and (unless truncated images are accepted) files that end early.
   */
  public PendingImage open(byte[] bytes, String source) throws ImageRejectedException {
    if (bytes == null || bytes.length == 0) {
      throw new ImageRejectedException(RejectStage.READ, "empty file (0 bytes)");
    }
    Optional<String> damage = TruncationCheck.damage(bytes);
    if (damage.isEmpty()) {
      Optional<PendingImage> whole = openNativeJpeg(bytes, source);
      if (whole.isEmpty()) {
        whole = openPlainPng(bytes, source);
      }
      if (whole.isPresent()) {
        return whole.get();
      }
    }
    // Some readers walk every PNG chunk before the first pixel: give them an end to find.
    byte[] readable = damage.isPresent() && acceptTruncated && "PNG".equals(formatOf(bytes))
        ? TruncationCheck.closedPng(bytes) : bytes;
    // ImageIO.createImageInputStream would cache the stream in a temporary file (ImageIO's default) or copy it.
    ImageInputStream input = new ByteArrayImageInputStream(readable);
    ImageReader reader = null;
    boolean handedOver = false;
    try {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new ImageRejectedException(RejectStage.DECODE, "not a recognised image format (" + describeHead(bytes) + ")");
      }
      reader = readers.next();
      reader.setInput(input, true, true);
      long width;
      long height;
      DecodeEstimate estimate;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageRejectedException(RejectStage.DECODE, "header declares an empty image " + width + "x" + height);
        }
        checkPixels(width, height);
        if (damage.isPresent() && !acceptTruncated) {
          throw new ImageRejectedException(RejectStage.DECODE, damage.get() + ACCEPT_HINT);
        }
        estimate = estimate(reader, width, height);
      } catch (IOException | RuntimeException e) {
        throw new ImageRejectedException(RejectStage.DECODE, damage.orElse("corrupt or truncated " + formatOf(bytes) + ": "
            + message(e)), e);
      }
      PendingImage image = new PendingImage(readable, formatOf(bytes), source, input, reader, estimate, damage,
          acceptTruncated);
      handedOver = true;
      return image;
    } finally {
      if (!handedOver) {
        if (reader != null) {
          reader.dispose();
        }
        closeQuietly(input);
      }
    }
  }

  /**
   * A whole JPEG that the native decoder gives ImageIO's samples for, checked from its frame header alone;
   * empty for anything else (ImageIO then reads the header, with its own checks and messages).
   */
  private Optional<PendingImage> openNativeJpeg(byte[] bytes, String source) throws ImageRejectedException {
    Optional<JpegHeader> header = JpegHeader.parse(bytes);
    if (header.isEmpty() || !header.get().nativeDecodable()) {
      return Optional.empty();
    }
    Optional<NativeJpeg> decoder = nativeJpeg.get();
    if (decoder.isEmpty()) {
      return Optional.empty();
    }
    JpegHeader jpeg = header.get();
    long width = jpeg.width();
    long height = jpeg.height();
    checkPixels(width, height);
    // The Java copy of the decoded samples (the native buffers are released before it is used), counted as
    // ImageIO's raster and planes would be: an upper bound.
    int planes = jpeg.components() == 1 ? 1 : 3;
    return Optional.of(new PendingImage(bytes, source, decoder.get(), jpeg,
        new DecodeEstimate(width, height, jpeg.components(), planes), acceptTruncated));
  }

  /** A whole PNG that {@link PlainPng} decodes to ImageIO's samples, checked from its chunks alone. */
  private Optional<PendingImage> openPlainPng(byte[] bytes, String source) throws ImageRejectedException {
    Optional<PlainPng.Header> png = PlainPng.parse(bytes);
    if (png.isEmpty()) {
      return Optional.empty();
    }
    PlainPng.Header header = png.get();
    checkPixels(header.width(), header.height());
    return Optional.of(new PendingImage(bytes, source, header,
        new DecodeEstimate(header.width(), header.height(), header.channels(), header.channels()), acceptTruncated));
  }

  /** The decompression-bomb check, from the header's size alone. */
  private void checkPixels(long width, long height) throws ImageRejectedException {
    if (width * height > maxPixels) {
      throw new ImageRejectedException(RejectStage.DECODE, "image of " + width + "x" + height
          + " pixels exceeds the limit of " + maxPixels + " pixels (raise --max-pixels if it is genuine)");
    }
  }

  /** What the reader will allocate: its destination raster, plus the raw raster when it converts (CMYK JPEG). */
  private static DecodeEstimate estimate(ImageReader reader, long width, long height) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    ImageTypeSpecifier destination = types != null && types.hasNext() ? types.next() : null;
    ImageTypeSpecifier raw = reader.getRawImageType(0);
    ImageTypeSpecifier main = destination != null ? destination : raw;
    if (main == null) {
      // No type known before reading: assume 16-bit RGBA, the largest common layout.
      return new DecodeEstimate(width, height, 8, 3);
    }
    int bytesPerPixel = bytesPerPixel(main.getSampleModel(1, 1));
    if (raw != null && destination != null && raw != destination) {
      SampleModel rawModel = raw.getSampleModel(1, 1);
      SampleModel destinationModel = destination.getSampleModel(1, 1);
      if (rawModel.getNumBands() != destinationModel.getNumBands()
          || rawModel.getDataType() != destinationModel.getDataType()) {
        bytesPerPixel += bytesPerPixel(rawModel);
      }
    }
    int planes = main.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY ? 1 : 3;
    return new DecodeEstimate(width, height, bytesPerPixel, planes);
  }

  private static int bytesPerPixel(SampleModel model) {
    int bits = model instanceof MultiPixelPackedSampleModel packed ? packed.getPixelBitStride()
        : model.getNumDataElements() * DataBuffer.getDataTypeSize(model.getDataType());
    return Math.max(1, (bits + 7) / 8);
  }

  static String formatOf(byte[] bytes) {
    if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      return "PNG";
    }
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
      return "JPEG";
    }
    if (bytes.length >= 12 && bytes[0] == 'R' && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B') {
      return "WebP";
    }
    if (bytes.length >= 4 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F') {
      return "GIF";
    }
    return "image";
  }

  /**
   * What the file seems to be, without quoting its bytes: a reject row may be read by people who must not see
   * the file (a symbolic link named .png can point at anything the job can read).
   */
  private static String describeHead(byte[] bytes) {
    int n = Math.min(512, bytes.length);
    boolean text = n > 0;
    for (int i = 0; i < n && text; i++) {
      int b = bytes[i] & 0xff;
      text = b == '\n' || b == '\r' || b == '\t' || b >= 0x20 && b != 0x7f;
    }
    return (text ? "it looks like text" : "no image signature") + ", " + bytes.length + " bytes";
  }

  static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  static void closeQuietly(ImageInputStream input) {
    try {
      input.close();
    } catch (IOException e) {
      // an in-memory stream: nothing to release
    }
  }
}
