package org.fsqspark.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.fsqspark.error.BadInputException;

/**
 * The binary file of named float32 arrays that holds a prior's weights and the optimizer's moments: a magic
 * number and version, then each array's name, shape and little-endian values; reading checks every shape against
 * what the architecture expects.
 */
final class ArrayFile {
  private static final int FILE_MAGIC = 0x46535150; // "FSQP"
  private static final int FILE_VERSION = 1;

  private ArrayFile() {}

  /** Receives each array read. */
  interface Sink {
    void accept(String name, float[] values, Shape shape);
  }

  static void write(DataOutputStream out, Map<String, NDArray> arrays) throws IOException {
    out.writeInt(FILE_MAGIC);
    out.writeInt(FILE_VERSION);
    out.writeInt(arrays.size());
    for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
      NDArray array = entry.getValue();
      out.writeUTF(entry.getKey());
      long[] shape = array.getShape().getShape();
      out.writeInt(shape.length);
      for (long s : shape) {
        out.writeLong(s);
      }
      float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
      ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      buffer.asFloatBuffer().put(values);
      out.write(buffer.array());
    }
  }

  static void read(DataInputStream in, Map<String, Shape> expected, Sink sink) throws IOException {
    if (in.readInt() != FILE_MAGIC) {
      throw new BadInputException("Not a prior weight file (wrong magic number)");
    }
    int version = in.readInt();
    if (version != FILE_VERSION) {
      throw new BadInputException("Prior weight file version " + version + " is not supported (expected "
          + FILE_VERSION + ")");
    }
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      String name = in.readUTF();
      int rank = in.readInt();
      if (rank < 0 || rank > 8) {
        throw new BadInputException("Array " + name + " has rank " + rank + "; the file is damaged");
      }
      long[] shape = new long[rank];
      for (int r = 0; r < rank; r++) {
        shape[r] = in.readLong();
      }
      Shape wanted = expected.get(name);
      if (wanted == null || !wanted.equals(new Shape(shape))) {
        throw new BadInputException("Array " + name + " of shape " + new Shape(shape) + " does not belong to"
            + " this architecture (expected " + wanted + ")");
      }
      byte[] bytes = new byte[Math.toIntExact(wanted.size() * 4)];
      in.readFully(bytes);
      float[] values = new float[bytes.length / 4];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      sink.accept(name, values, wanted);
    }
  }
}
