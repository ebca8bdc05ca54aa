package org.fsqspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fsqspark.image.ImageEncoder;

/**
 * A small chart canvas drawn with Java2D (headless): linear or log axes with ticks and labels, lines, bars
 * and a legend, written as PNG. Enough for the statistics report, and no plotting library to ship.
 */
final class Plot {
  static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};

  private static final int LEFT = 78;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 58;

  private final BufferedImage image;
  private final Graphics2D g;
  private final int width;
  private final int height;
  private final List<String[]> legend = new ArrayList<>();
  private final List<String> references = new ArrayList<>();
  private double xMin;
  private double xMax;
  private double yMin;
  private double yMax;
  private boolean xLog;
  private boolean yLog;

  Plot(int width, int height, String title) {
    System.setProperty("java.awt.headless", "true");
    this.width = width;
    this.height = height;
    image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 24);
  }

  Plot axes(double xMin, double xMax, boolean xLog, double yMin, double yMax, boolean yLog) {
    this.xMin = xMin;
    this.xMax = xMax > xMin ? xMax : xMin + 1;
    this.xLog = xLog;
    this.yMin = yMin;
    this.yMax = yMax > yMin ? yMax : yMin + 1;
    this.yLog = yLog;
    return this;
  }

  /** Draws the frame, grid and tick labels; {@code xLabels} replaces numeric x ticks (for bar charts). */
  Plot frame(String xTitle, String yTitle, String[] xLabels) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics metrics = g.getFontMetrics();
    for (double tick : ticks(yMin, yMax, yLog)) {
      int y = (int) Math.round(y(tick));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(LEFT, y, width - RIGHT, y);
      g.setColor(Color.DARK_GRAY);
      String label = format(tick);
      g.drawString(label, LEFT - 6 - metrics.stringWidth(label), y + 4);
    }
    if (xLabels == null) {
      for (double tick : ticks(xMin, xMax, xLog)) {
        int x = (int) Math.round(x(tick));
        g.setColor(new Color(0xe6e6e6));
        g.drawLine(x, TOP, x, height - BOTTOM);
        g.setColor(Color.DARK_GRAY);
        String label = format(tick);
        g.drawString(label, x - metrics.stringWidth(label) / 2, height - BOTTOM + 16);
      }
    } else {
      for (int i = 0; i < xLabels.length; i++) {
        int x = (int) Math.round(x(i + 0.5));
        g.setColor(Color.DARK_GRAY);
        g.drawString(xLabels[i], x - metrics.stringWidth(xLabels[i]) / 2, height - BOTTOM + 16);
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    metrics = g.getFontMetrics();
    g.drawString(xTitle, LEFT + (width - LEFT - RIGHT - metrics.stringWidth(xTitle)) / 2, height - 18);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(yTitle, -(TOP + (height - TOP - BOTTOM + metrics.stringWidth(yTitle)) / 2), 18);
    g.setTransform(saved);
    return this;
  }

  Plot line(double[] xs, double[] ys, int colour, String name) {
    Path2D path = new Path2D.Double();
    boolean started = false;
    for (int i = 0; i < xs.length; i++) {
      if ((xLog && xs[i] <= 0) || (yLog && ys[i] <= 0)) {
        continue;
      }
      if (started) {
        path.lineTo(x(xs[i]), y(ys[i]));
      } else {
        path.moveTo(x(xs[i]), y(ys[i]));
        started = true;
      }
    }
    g.setColor(PALETTE[colour % PALETTE.length]);
    g.setStroke(new BasicStroke(2f));
    g.draw(path);
    g.setStroke(new BasicStroke(1f));
    legend.add(new String[] {name, Integer.toString(colour)});
    return this;
  }

  /** A bar from {@code x0} to {@code x1} (data units) up to {@code value}. */
  Plot bar(double x0, double x1, double value, int colour) {
    double base = yLog ? yMin : Math.max(yMin, 0);
    int left = (int) Math.round(x(x0));
    int right = (int) Math.round(x(x1));
    int top = (int) Math.round(y(Math.max(value, yLog ? yMin : value)));
    int bottom = (int) Math.round(y(base));
    g.setColor(PALETTE[colour % PALETTE.length]);
    g.fillRect(left, Math.min(top, bottom), Math.max(1, right - left), Math.abs(bottom - top));
    return this;
  }

  Plot text(double x, double y, String text) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    int width = g.getFontMetrics().stringWidth(text);
    g.drawString(text, (int) Math.round(x(x) - width / 2.0), (int) Math.round(y(y)) - 3);
    return this;
  }

  /** A dashed horizontal reference line. */
  Plot reference(double value, String name) {
    int y = (int) Math.round(y(value));
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
    g.drawLine(LEFT, y, width - RIGHT, y);
    g.setStroke(new BasicStroke(1f));
    // Named in the legend, not beside the line, where it would sit on a bar.
    references.add(name);
    return this;
  }

  void legendEntry(String name, int colour) {
    legend.add(new String[] {name, Integer.toString(colour)});
  }

  byte[] png() {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    int y = TOP + 14;
    // One series needs no legend: its name (a folder name such as "tokens") would read like a unit.
    for (String[] entry : legend.size() > 1 ? legend : List.<String[]>of()) {
      int x = width - RIGHT - 12 - g.getFontMetrics().stringWidth(entry[0]) - 16;
      g.setColor(PALETTE[Integer.parseInt(entry[1]) % PALETTE.length]);
      g.fillRect(x, y - 9, 12, 10);
      g.setColor(Color.BLACK);
      g.drawString(entry[0], x + 16, y);
      y += 16;
    }
    for (String reference : references) {
      int x = width - RIGHT - 12 - g.getFontMetrics().stringWidth(reference) - 16;
      g.setColor(new Color(255, 255, 255, 220));
      g.fillRect(x - 2, y - 11, g.getFontMetrics().stringWidth(reference) + 20, 14);
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 2f}, 0f));
      g.drawLine(x, y - 4, x + 12, y - 4);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(reference, x + 16, y);
      y += 16;
    }
    g.dispose();
    return ImageEncoder.write(image);
  }

  private double x(double value) {
    return LEFT + (width - LEFT - RIGHT) * fraction(value, xMin, xMax, xLog);
  }

  private double y(double value) {
    return height - BOTTOM - (height - TOP - BOTTOM) * fraction(value, yMin, yMax, yLog);
  }

  private static double fraction(double value, double min, double max, boolean log) {
    if (log) {
      return (Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    }
    return (value - min) / (max - min);
  }

  private static List<Double> ticks(double min, double max, boolean log) {
    List<Double> ticks = new ArrayList<>();
    if (log) {
      for (double t = Math.pow(10, Math.floor(Math.log10(min))); t <= max * 1.0001; t *= 10) {
        if (t >= min * 0.9999) {
          ticks.add(t);
        }
      }
      return ticks;
    }
    double span = max - min;
    double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
    for (double candidate : new double[] {1, 2, 5, 10}) {
      if (span / (step * candidate) <= 6) {
        step *= candidate;
        break;
      }
    }
    for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
      ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return ticks;
  }

  private static String format(double value) {
    if (value != 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-2)) {
      return String.format(Locale.ROOT, "1e%d", Math.round(Math.log10(Math.abs(value))));
    }
    if (value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "");
  }
}
