package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.IIOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import org.junit.jupiter.api.Test;

/**
 * A reader that runs out of heap fails the decode with {@link DecodeMemoryException} (the run fails and says to
 * give the executors more memory), never a reject row, even when the reader wraps the error: the JDK's PNG
 * reader turns every Throwable it meets, an OutOfMemoryError included, into an IIOException. Whether the heap
 * ran out inside that reader or in our own code used to decide between a failed run and a reject.
 */
class ReaderHeapFailureTest {
  @Test
  void anOutOfMemoryErrorWrappedByTheReaderFailsTheDecode() {
    IOException wrapped = new IIOException("Caught exception during read: ", new OutOfMemoryError("Java heap space"));
    assertThatThrownBy(() -> pending(wrapped, false).decode()).isInstanceOf(DecodeMemoryException.class)
        .hasMessageContaining("ran out of heap decoding huge.png").hasMessageContaining("give the executors more memory");
    assertThatThrownBy(() -> pending(wrapped, true).decode()).as("also when truncated images are accepted")
        .isInstanceOf(DecodeMemoryException.class);
    assertThatThrownBy(() -> pending(wrapped, false).decodePixels(1, 3)).isInstanceOf(DecodeMemoryException.class);
  }

  @Test
  void otherReaderFailuresStayRejects() {
    IOException corrupt = new IIOException("Error reading PNG image data", new java.util.zip.ZipException("bad"));
    assertThatThrownBy(() -> pending(corrupt, false).decode()).isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("corrupt or truncated PNG");
  }

  private static PendingImage pending(IOException failure, boolean truncated) {
    DecodeEstimate estimate = new DecodeEstimate(6000, 6000, 8, 3);
    Optional<String> damage = truncated ? Optional.of("corrupt or truncated PNG: the file ends early") : Optional.empty();
    return new PendingImage(new byte[] {1, 2, 3}, "PNG", "huge.png", null, new FailingReader(failure), estimate,
        damage, truncated);
  }

  /** An ImageIO reader whose every read throws {@code failure}. */
  private static final class FailingReader extends ImageReader {
    private final IOException failure;

    FailingReader(IOException failure) {
      super(null);
      this.failure = failure;
    }

    @Override
    public BufferedImage read(int imageIndex, ImageReadParam param) throws IOException {
      throw failure;
    }

    @Override
    public int getNumImages(boolean allowSearch) {
      return 1;
    }

    @Override
    public int getWidth(int imageIndex) {
      return 6000;
    }

    @Override
    public int getHeight(int imageIndex) {
      return 6000;
    }

    @Override
    public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
      return java.util.List.<ImageTypeSpecifier>of().iterator();
    }

    @Override
    public IIOMetadata getStreamMetadata() {
      return null;
    }

    @Override
    public IIOMetadata getImageMetadata(int imageIndex) {
      return null;
    }
  }
}
