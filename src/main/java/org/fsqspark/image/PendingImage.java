package org.fsqspark.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.fsqspark.contract.RejectStage;

/**
 * An image whose header has been read and checked, and whose pixels are not decoded yet: what
 * {@link ImageDecoder#open} returns, so that a caller can admit {@link #estimate()} against a
 * {@link DecodeBudget} before anything large is allocated. Decode once, then close.
 */
public final class PendingImage implements AutoCloseable {
  /** What the reader reads: the file, or a truncated PNG closed with IEND. */
  private final byte[] readable;
  private final String format;
  private final String source;
  private final DecodeEstimate estimate;
  private final boolean acceptTruncated;
  /** The native decoder and the JPEG's header when the native decoder gives ImageIO's samples, else null. */
  private final NativeJpeg nativeJpeg;
  private final JpegHeader jpeg;
  /** The header of a PNG that {@link PlainPng} decodes as ImageIO would, else null. */
  private final PlainPng.Header png;
  /** ImageIO's reader, from open() or made when the native decoder hands the image back. */
  private ImageInputStream input;
  private ImageReader reader;
  private Optional<String> damage;

  PendingImage(byte[] readable, String format, String source, ImageInputStream input, ImageReader reader,
      DecodeEstimate estimate, Optional<String> damage, boolean acceptTruncated) {
    this(readable, format, source, estimate, damage, acceptTruncated, null, null, null);
    this.input = input;
    this.reader = reader;
  }

  /** A whole JPEG for the native decoder, with no ImageIO reader yet. */
  PendingImage(byte[] bytes, String source, NativeJpeg nativeJpeg, JpegHeader jpeg, DecodeEstimate estimate,
      boolean acceptTruncated) {
    this(bytes, "JPEG", source, estimate, Optional.empty(), acceptTruncated, nativeJpeg, jpeg, null);
  }

  /** A whole plain PNG for {@link PlainPng}, with no ImageIO reader yet. */
  PendingImage(byte[] bytes, String source, PlainPng.Header png, DecodeEstimate estimate, boolean acceptTruncated) {
    this(bytes, "PNG", source, estimate, Optional.empty(), acceptTruncated, null, null, png);
  }

  private PendingImage(byte[] readable, String format, String source, DecodeEstimate estimate,
      Optional<String> damage, boolean acceptTruncated, NativeJpeg nativeJpeg, JpegHeader jpeg, PlainPng.Header png) {
    this.readable = readable;
    this.format = format;
    this.source = source;
    this.estimate = estimate;
    this.damage = damage;
    this.acceptTruncated = acceptTruncated;
    this.nativeJpeg = nativeJpeg;
    this.jpeg = jpeg;
    this.png = png;
  }

  public int width() {
    return (int) estimate.width();
  }

  public int height() {
    return (int) estimate.height();
  }

  /** Heap the decode will hold at its peak, from the header. */
  public DecodeEstimate estimate() {
    return estimate;
  }

  /**
   * Why the decoded image is incomplete (the file ends early, its framing is broken, or the decoder reported
   * damaged data), or empty for a whole image. Only ever present when truncated images are accepted, and
   * final once {@link #decode()} returned.
   */
  public Optional<String> damage() {
    return damage;
  }

  /** Decodes the first frame into planes, with ImageIO. */
  public DecodedImage decode() throws ImageRejectedException {
    try {
      return FloatPlanes.of(read());
    } catch (OutOfMemoryError e) {
      throw outOfMemory();
    }
  }

  /**
   * Whether {@link #decodePixels} decodes with the native JPEG decoder (which may reduce the image in the
   * DCT domain) rather than ImageIO, as far as the header tells.
   */
  public boolean decodesNatively() {
    return nativeJpeg != null;
  }

  /**
   * Decodes the first frame for preprocessing: a JPEG that the native decoder handles is decoded reduced by
   * up to {@code maxReduction} (1, 2, 4 or 8) and, for a gray model, as its luma plane when reduced; anything
   * else is decoded by ImageIO at full size, as 8-bit samples where the reader produced them, else as float
   * planes. The result's size is the decoded one; {@link #width()} and {@link #height()} stay the file's.
   */
  public ImagePixels decodePixels(int maxReduction, int modelChannels) throws ImageRejectedException {
    try {
      if (nativeJpeg != null) {
        int reduction = Math.max(1, Math.min(8, Integer.highestOneBit(Math.max(1, maxReduction))));
        // Reduced, a gray model takes libjpeg's luma plane (skipping the chroma, as PIL's draft("L") does);
        // at full size colour is decoded and converted as ImageIO's samples would be, for the same result.
        boolean gray = jpeg.components() == 1 || (modelChannels == 1 && reduction > 1);
        Optional<PixelRaster> pixels = nativeJpeg.decode(readable, reduction, gray);
        if (pixels.isPresent()) {
          return pixels.get();
        }
        openReader();
      }
      if (png != null) {
        Optional<PixelRaster> pixels = PlainPng.decode(readable, png);
        if (pixels.isPresent()) {
          return pixels.get();
        }
      }
      BufferedImage image = read();
      Optional<PixelRaster> raster = PixelRaster.of(image);
      return raster.isPresent() ? raster.get() : FloatPlanes.of(image);
    } catch (OutOfMemoryError e) {
      throw outOfMemory();
    }
  }

  /** ImageIO's reader for an image that was meant for the native JPEG decoder or {@link PlainPng}. */
  private void openReader() throws ImageRejectedException {
    if (reader != null) {
      return;
    }
    input = new ByteArrayImageInputStream(readable);
    Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
    if (!readers.hasNext()) {
      ImageDecoder.closeQuietly(input);
      throw new ImageRejectedException(RejectStage.DECODE, "corrupt or truncated " + format
          + ": no ImageIO reader accepts it");
    }
    reader = readers.next();
    reader.setInput(input, true, true);
  }

  private BufferedImage read() throws ImageRejectedException {
    openReader();
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
    BufferedImage image;
    try {
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      if (ranOutOfHeap(e)) {
        throw outOfMemory();
      }
      if (damage.isEmpty()) {
        throw new ImageRejectedException(RejectStage.DECODE, "corrupt or truncated " + format + ": "
            + ImageDecoder.message(e), e);
      }
      // Only reached when truncated images are accepted (open() rejects them otherwise).
      image = readWhatIsThere(e);
    }
    Set<String> damaging = new LinkedHashSet<>();
    for (String warning : warnings) {
      if (reportsDamage(warning)) {
        damaging.add(warning);
      }
    }
    if (!damaging.isEmpty() && damage.isEmpty()) {
      String reason = "corrupt or truncated " + format + ": the decoder reported \""
          + String.join("\"; \"", damaging) + "\"";
      if (!acceptTruncated) {
        throw new ImageRejectedException(RejectStage.DECODE, reason + ImageDecoder.ACCEPT_HINT);
      }
      damage = Optional.of(reason);
    }
    return image;
  }

  /**
   * Decodes a file that ends early into a destination allocated beforehand: readers that stop with an
   * exception leave the rows they reached in it, the rest stays zero (black). A destination with no non-zero
   * sample means nothing before the cut could be decoded, which is a rejection even when truncated images
   * are accepted.
   */
  private BufferedImage readWhatIsThere(Exception failure) throws ImageRejectedException {
    ImageInputStream again = new ByteArrayImageInputStream(readable);
    ImageReader partial = null;
    BufferedImage destination = null;
    try {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(again);
      if (readers.hasNext()) {
        partial = readers.next();
        partial.setInput(again, true, true);
        Iterator<ImageTypeSpecifier> types = partial.getImageTypes(0);
        destination = types.next().createBufferedImage(width(), height());
        ImageReadParam param = partial.getDefaultReadParam();
        param.setDestination(destination);
        partial.read(0, param);
      }
    } catch (IOException | RuntimeException e) {
      if (ranOutOfHeap(e)) {
        throw outOfMemory();
      }
      // expected: the data ends early; the destination holds what was decoded before that
    } finally {
      if (partial != null) {
        partial.dispose();
      }
      ImageDecoder.closeQuietly(again);
    }
    if (destination == null || !anyNonZero(destination.getRaster().getDataBuffer())) {
      throw new ImageRejectedException(RejectStage.DECODE, damage.orElseThrow() + "; nothing before the cut could be decoded ("
          + ImageDecoder.message(failure) + ")", failure);
    }
    return destination;
  }

  private static boolean anyNonZero(DataBuffer buffer) {
    for (int bank = 0; bank < buffer.getNumBanks(); bank++) {
      for (int i = 0; i < buffer.getSize(); i++) {
        if (buffer.getElem(bank, i) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Decoder warnings that mean pixel data is missing or damaged: the JDK JPEG reader's "Truncated File -
   * Missing EOI marker" and libjpeg's "Premature end of JPEG file" and "Corrupt JPEG data: ..." (premature end
   * of data segment, bad Huffman code, marker instead of restart, ...), except stray bytes between segments,
   * which lose nothing. Warnings about ICC profiles, thumbnails or APPn segments concern metadata.
   */
  static boolean reportsDamage(String warning) {
    String text = String.valueOf(warning).toLowerCase(Locale.ROOT);
    if (text.contains("extraneous bytes")) {
      return false;
    }
    return text.contains("truncated file") || text.contains("missing eoi") || text.contains("premature end")
        || text.contains("corrupt jpeg data") || text.contains("inconsistent progression");
  }

  /**
   * Whether a reader's exception is the heap running out: the JDK's PNG reader wraps every Throwable it meets,
   * an OutOfMemoryError included, in an IIOException, which would otherwise make the image a reject.
   */
  private static boolean ranOutOfHeap(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  private DecodeMemoryException outOfMemory() {
    Runtime runtime = Runtime.getRuntime();
    return new DecodeMemoryException(String.format(Locale.ROOT, "ran out of heap decoding %s (%dx%d pixels, about"
        + " %d MB to decode; this JVM's maximum heap is %d MB): give the executors more memory, or lower"
        + " --max-pixels to reject such images", source, estimate.width(), estimate.height(),
        estimate.bytes() >> 20, runtime.maxMemory() >> 20));
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.dispose();
    }
    if (input != null) {
      ImageDecoder.closeQuietly(input);
    }
  }
}
