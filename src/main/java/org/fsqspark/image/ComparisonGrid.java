package org.fsqspark.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** Originals above their reconstructions, side by side, each scaled up for a person to see; as PNG bytes. */
public final class ComparisonGrid {
  private ComparisonGrid() {}

  /** One column per pair of CHW planes in [0, 1] ({@code originals.get(i)} over {@code reconstructions.get(i)}). */
  public static byte[] png(List<float[]> originals, List<float[]> reconstructions, int channels, int height,
      int width) {
    int scale = Math.max(1, 96 / Math.max(height, width));
    BufferedImage grid = new BufferedImage(originals.size() * (width * scale + 4) + 4, 2 * (height * scale + 4) + 4,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    for (int i = 0; i < originals.size(); i++) {
      int x = 4 + i * (width * scale + 4);
      g.drawImage(ImageEncoder.toImage(originals.get(i), 0, channels, height, width, 0, 1), x, 4, width * scale,
          height * scale, null);
      g.drawImage(ImageEncoder.toImage(reconstructions.get(i), 0, channels, height, width, 0, 1), x,
          8 + height * scale, width * scale, height * scale, null);
    }
    g.dispose();
    return ImageEncoder.write(grid);
  }
}
