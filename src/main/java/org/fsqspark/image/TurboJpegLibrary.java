package org.fsqspark.image;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.List;
import java.util.Optional;

/**
 * The machine's own libjpeg-turbo through its TurboJPEG C API ({@code libturbojpeg.so.0}, Debian and Ubuntu
 * package {@code libturbojpeg0}, the library Pillow's JPEG decoder is built on), called through JNA. Distribution
 * builds have libjpeg-turbo's SIMD code, which the copy inside OpenCV's jar was built without (its build
 * information says "SIMD Support: NO"): measured here, the SIMD build decodes the benchmark photos about twice as
 * fast. Same library, same default IDCT and upsampling, so the same samples as OpenCV's copy and ImageIO.
 */
final class TurboJpegLibrary {
  /** A library path or name to load instead of the default names; {@code false} turns this decoder off. */
  static final String PROPERTY = "fsq.image.turbojpeg";

  private static final int TJPF_RGB = 0;
  private static final int TJPF_GRAY = 6;
  private static final int TJERR_WARNING = 0;

  /** The TurboJPEG 2.x functions used here (all present since libjpeg-turbo 2.0). */
  interface TurboJpeg extends Library {
    Pointer tjInitDecompress();

    int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, IntByReference width,
        IntByReference height, IntByReference subsampling, IntByReference colorspace);

    int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, byte[] destination, int width, int pitch,
        int height, int pixelFormat, int flags);

    int tjGetErrorCode(Pointer handle);

    int tjDestroy(Pointer handle);
  }

  private final TurboJpeg library;
  private final String name;

  private TurboJpegLibrary(TurboJpeg library, String name) {
    this.library = library;
    this.name = name;
  }

  /** The first of {@code names} that loads and has the TurboJPEG functions; the reasons of each failure otherwise. */
  static Optional<TurboJpegLibrary> load(List<String> names, StringBuilder failures) {
    for (String candidate : names) {
      try {
        TurboJpeg library = Native.load(candidate, TurboJpeg.class);
        Pointer probe = library.tjInitDecompress();
        if (probe == null) {
          failures.append(candidate).append(": tjInitDecompress returned null; ");
          continue;
        }
        library.tjDestroy(probe);
        return Optional.of(new TurboJpegLibrary(library, candidate));
      } catch (LinkageError | RuntimeException e) {
        failures.append(candidate).append(": ").append(ImageDecoder.message(e)).append("; ");
      }
    }
    return Optional.empty();
  }

  String name() {
    return name;
  }

  /**
   * The image decoded reduced by {@code reduction} (libjpeg's scale 1/reduction, the size TurboJPEG picks for
   * these bounds), gray or RGB; empty when libjpeg fails. Warnings (data that ends early, corrupt data libjpeg
   * recovers from) keep what was decoded, as OpenCV's imdecode and Pillow do; the caller checks the last row.
   */
  Optional<Decoded> decode(byte[] bytes, int reduction, boolean gray) {
    Pointer handle = library.tjInitDecompress();
    if (handle == null) {
      return Optional.empty();
    }
    try {
      NativeLong size = new NativeLong(bytes.length);
      IntByReference width = new IntByReference();
      IntByReference height = new IntByReference();
      if (library.tjDecompressHeader3(handle, bytes, size, width, height, new IntByReference(),
          new IntByReference()) != 0) {
        return Optional.empty();
      }
      // libjpeg's scaled size is ceil(dimension / reduction); TurboJPEG takes the largest factor that fits.
      int scaledWidth = (width.getValue() + reduction - 1) / reduction;
      int scaledHeight = (height.getValue() + reduction - 1) / reduction;
      int channels = gray ? 1 : 3;
      byte[] samples = new byte[Math.multiplyExact(Math.multiplyExact(scaledWidth, scaledHeight), channels)];
      int status = library.tjDecompress2(handle, bytes, size, samples, scaledWidth, scaledWidth * channels,
          scaledHeight, gray ? TJPF_GRAY : TJPF_RGB, 0);
      if (status != 0 && library.tjGetErrorCode(handle) != TJERR_WARNING) {
        return Optional.empty();
      }
      return Optional.of(new Decoded(scaledWidth, scaledHeight, samples));
    } finally {
      library.tjDestroy(handle);
    }
  }

  /** Tightly packed samples, gray or RGB. */
  record Decoded(int width, int height, byte[] samples) {}
}
