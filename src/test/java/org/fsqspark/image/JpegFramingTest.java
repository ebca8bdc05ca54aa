package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scan for the end of a JPEG's entropy-coded data, against the plain byte-by-byte rule. */
class JpegFramingTest {
  @Test
  void findsTheSameMarkerAsAByteByByteScan() {
    Random random = new Random(11);
    for (int round = 0; round < 20_000; round++) {
      byte[] data = new byte[1 + random.nextInt(64)];
      random.nextBytes(data);
      // FF bytes followed by every kind of second byte: stuffing (00), restarts (D0-D7), fill (FF), markers.
      int sprinkle = random.nextInt(4);
      for (int k = 0; k < sprinkle; k++) {
        int at = random.nextInt(data.length);
        data[at] = (byte) 0xff;
        if (at + 1 < data.length) {
          int pick = random.nextInt(4);
          data[at + 1] = (byte) (pick == 0 ? 0x00 : pick == 1 ? 0xd0 + random.nextInt(8) : pick == 2 ? 0xff : 0xd9);
        }
      }
      int from = random.nextInt(data.length);
      assertThat(JpegFraming.endOfEntropyData(data, from)).as("round %d", round).isEqualTo(byteByByte(data, from));
    }
  }

  private static int byteByByte(byte[] b, int from) {
    int i = from;
    while (i < b.length - 1) {
      if (b[i] != (byte) 0xff) {
        i++;
        continue;
      }
      int next = b[i + 1] & 0xff;
      if (next == 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        i += 2;
      } else if (next == 0xff) {
        i++;
      } else {
        return i;
      }
    }
    return b.length;
  }
}
