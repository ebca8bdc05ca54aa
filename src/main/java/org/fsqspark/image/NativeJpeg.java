package org.fsqspark.image;

import java.util.Locale;
import java.util.Optional;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * JPEG decoding through libjpeg-turbo, with the DCT-domain reduction by 1/2, 1/4 or 1/8 that makes small model
 * inputs cheap to decode. At full size it gives the same samples as ImageIO's JPEG reader (both are libjpeg
 * with its default IDCT and upsampling); EXIF orientation is ignored, as ImageIO does.
 *
 * <p>Two builds of the library, the first that loads: the machine's own {@code libturbojpeg.so.0} (package
 * {@code libturbojpeg0}; SIMD, see {@link TurboJpegLibrary}), else the copy inside OpenCV's imgcodecs from the
 * {@code org.openpnp:opencv} jar (no SIMD). One decoder per JVM ({@link #shared}), loaded on first use; when
 * neither loads (another platform, a read-only or {@code noexec} temporary folder,
 * {@code -Dfsq.image.nativeJpeg=false}) ImageIO decodes everything and one warning line says why.
 */
public final class NativeJpeg {
  /** Set to {@code false} to decode every JPEG with ImageIO. */
  public static final String ENABLED_PROPERTY = "fsq.image.nativeJpeg";
  /** The OpenCV build inside the openpnp jar for this machine's platform. */
  static final String LIBRARY = "/nu/pattern/opencv/" + platform() + "/" + System.mapLibraryName("opencv_java490");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NativeJpeg.class);
  private static final int MID_GREY = 128;

  private static final java.util.List<String> TURBOJPEG_NAMES = java.util.List.of("turbojpeg", "libturbojpeg.so.0");

  /** The system's TurboJPEG, or null for OpenCV's imgcodecs. */
  private final TurboJpegLibrary turbo;

  private NativeJpeg(TurboJpegLibrary turbo) {
    this.turbo = turbo;
  }

  /** Which build decodes: the TurboJPEG library's name, or OpenCV. */
  public String library() {
    return turbo != null ? "libjpeg-turbo (" + turbo.name() + ")" : "libjpeg-turbo inside OpenCV " + LIBRARY;
  }

  private static final class Shared {
    static final Optional<NativeJpeg> INSTANCE = loadShared();
  }

  /** The JVM's decoder, loaded on first call; empty (after one warning) where it cannot be loaded. */
  public static Optional<NativeJpeg> shared() {
    return Shared.INSTANCE;
  }

  /** Starts loading the JVM's decoder on a background thread, so the first image does not wait for it. */
  public static void preload() {
    Thread loader = new Thread(NativeJpeg::shared, "fsq-native-jpeg-load");
    loader.setDaemon(true);
    loader.start();
  }

  private static Optional<NativeJpeg> loadShared() {
    if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim())) {
      LOG.info("Native JPEG decoding is off (-D{}=false): ImageIO decodes every JPEG", ENABLED_PROPERTY);
      return Optional.empty();
    }
    StringBuilder failures = new StringBuilder();
    Optional<NativeJpeg> system = loadTurboJpeg(failures);
    if (system.isPresent()) {
      return system;
    }
    LOG.info("The system's libturbojpeg did not load ({}); JPEGs go through OpenCV's copy of libjpeg-turbo, which"
        + " has no SIMD code: install libturbojpeg0 for about twice the decode speed", failures);
    return load(LIBRARY);
  }

  /** The machine's libturbojpeg ({@code -Dfsq.image.turbojpeg=PATH} names another, {@code =false} skips it). */
  static Optional<NativeJpeg> loadTurboJpeg(StringBuilder failures) {
    String setting = System.getProperty(TurboJpegLibrary.PROPERTY, "").trim();
    if ("false".equalsIgnoreCase(setting)) {
      failures.append("-D").append(TurboJpegLibrary.PROPERTY).append("=false");
      return Optional.empty();
    }
    boolean defaults = setting.isEmpty() || "true".equalsIgnoreCase(setting);
    return TurboJpegLibrary.load(defaults ? TURBOJPEG_NAMES : java.util.List.of(setting), failures)
        .map(NativeJpeg::new);
  }

  /** Loads the library at the class-path resource {@code resource}, or logs one warning and returns empty. */
  static Optional<NativeJpeg> load(String resource) {
    long start = System.nanoTime();
    try {
      NativeLibrary.load(resource);
      LOG.debug("Loaded {} in {} ms", resource, (System.nanoTime() - start) / 1_000_000);
      return Optional.of(new NativeJpeg(null));
    } catch (java.io.IOException | LinkageError | RuntimeException e) {
      LOG.warn("Native JPEG decoding is unavailable ({}): ImageIO decodes every JPEG, at full size and slower",
          ImageDecoder.message(e));
      return Optional.empty();
    }
  }

  /**
   * Decodes {@code bytes} reduced by {@code reduction} (1, 2, 4 or 8) to gray or colour samples; empty when
   * the library cannot decode them, or when the last row is entirely mid-grey, which is what libjpeg paints
   * where compressed data ended early: ImageIO must then decide, since only its reader reports that damage.
   */
  Optional<PixelRaster> decode(byte[] bytes, int reduction, boolean gray) {
    int flags = flags(reduction, gray) | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
    if (turbo != null) {
      return turbo.decode(bytes, reduction, gray)
          .filter(image -> !endsInMidGrey(image.samples(), image.width() * (gray ? 1 : 3)))
          .map(image -> gray ? PixelRaster.gray(image.width(), image.height(), image.samples())
              : PixelRaster.rgb(image.width(), image.height(), image.samples()));
    }
    MatOfByte encoded = new MatOfByte(bytes);
    Mat decoded = null;
    try {
      decoded = Imgcodecs.imdecode(encoded, flags);
      int channels = gray ? 1 : 3;
      if (decoded.empty() || decoded.channels() != channels || decoded.depth() != org.opencv.core.CvType.CV_8U
          || !decoded.isContinuous()) {
        return Optional.empty();
      }
      int width = decoded.cols();
      int height = decoded.rows();
      byte[] samples = new byte[Math.multiplyExact(Math.multiplyExact(width, height), channels)];
      decoded.get(0, 0, samples);
      if (endsInMidGrey(samples, width * channels)) {
        return Optional.empty();
      }
      return Optional.of(gray ? PixelRaster.gray(width, height, samples) : PixelRaster.bgr(width, height, samples));
    } finally {
      encoded.release();
      if (decoded != null) {
        decoded.release();
      }
    }
  }

  private static int flags(int reduction, boolean gray) {
    return switch (reduction) {
      case 1 -> gray ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR;
      case 2 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_2 : Imgcodecs.IMREAD_REDUCED_COLOR_2;
      case 4 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_4 : Imgcodecs.IMREAD_REDUCED_COLOR_4;
      case 8 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8 : Imgcodecs.IMREAD_REDUCED_COLOR_8;
      default -> throw new IllegalArgumentException("A JPEG can be reduced by 1, 2, 4 or 8, got " + reduction);
    };
  }

  private static boolean endsInMidGrey(byte[] samples, int rowLength) {
    for (int i = samples.length - rowLength; i < samples.length; i++) {
      if ((samples[i] & 0xff) != MID_GREY) {
        return false;
      }
    }
    return true;
  }

  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String family = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.startsWith("windows")
        ? "windows" : os;
    String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
        : arch.equals("aarch64") || arch.equals("arm64") ? "ARMv8" : arch;
    return family + "/" + cpu;
  }
}
