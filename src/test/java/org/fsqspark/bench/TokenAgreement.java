package org.fsqspark.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The share of identical token positions between a token table written by {@code fsq tokenize} and the
 * indices the DataLoader peer saved ({@code PREFIX.npy}, int32 images x tokens, and {@code PREFIX.ids}, one id
 * per row), joined by image id. An image on one side only counts as all positions different. Prints
 * {@code agreement: SHARE images: N positions: M only_in_table: A only_in_peer: B}.
 *
 * <p>Usage: TokenAgreement TABLE_DIR PEER_PREFIX
 */
public final class TokenAgreement {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

  private TokenAgreement() {}

  public static void main(String[] args) throws Exception {
    Map<String, int[]> peer = readPeer(Path.of(args[1]));
    long same = 0;
    long positions = 0;
    int images = 0;
    int onlyInTable = 0;
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id, tokens FROM read_parquet('"
            + Path.of(args[0]).resolve("*.parquet").toString().replace("'", "''") + "')")) {
      while (rows.next()) {
        String id = rows.getString(1);
        Array array = rows.getArray(2);
        Object[] tokens = (Object[]) array.getArray();
        int[] theirs = peer.remove(id);
        positions += tokens.length;
        if (theirs == null) {
          onlyInTable++;
          continue;
        }
        if (theirs.length != tokens.length) {
          throw new IllegalStateException("Image " + id + " has " + tokens.length + " tokens in the table but "
              + theirs.length + " in the peer's output: not the same model");
        }
        images++;
        for (int i = 0; i < tokens.length; i++) {
          if (((Number) tokens[i]).intValue() == theirs[i]) {
            same++;
          }
        }
      }
    }
    for (int[] rest : peer.values()) {
      positions += rest.length;
    }
    System.out.println(String.format(Locale.ROOT, "agreement: %.6f images: %d positions: %d only_in_table: %d "
        + "only_in_peer: %d", positions == 0 ? 0 : (double) same / positions, images, positions, onlyInTable,
        peer.size()));
  }

  /** The peer's rows by id, from a version 1 or 2 .npy file of little-endian int32 in C order. */
  static Map<String, int[]> readPeer(Path prefix) throws IOException {
    List<String> ids = Files.readAllLines(Path.of(prefix + ".ids"), StandardCharsets.UTF_8);
    ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(Path.of(prefix + ".npy"))).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    data.get(magic);
    if (!"\u0093NUMPY".equals(new String(magic, StandardCharsets.ISO_8859_1))) {
      throw new IllegalArgumentException(prefix + ".npy is not a .npy file");
    }
    int major = data.get();
    data.get();
    int headerLength = major == 1 ? Short.toUnsignedInt(data.getShort()) : data.getInt();
    byte[] headerBytes = new byte[headerLength];
    data.get(headerBytes);
    String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shape = SHAPE.matcher(header);
    if (!descr.find() || !descr.group(1).equals("<i4") || !fortran.find() || fortran.group(1).equals("True")
        || !shape.find()) {
      throw new IllegalArgumentException(prefix + ".npy must hold a 2-D C-order <i4 array, header: " + header);
    }
    int rows = Integer.parseInt(shape.group(1));
    int columns = Integer.parseInt(shape.group(2));
    if (rows != ids.size()) {
      throw new IllegalArgumentException(prefix + ".npy has " + rows + " rows but " + prefix + ".ids " + ids.size());
    }
    Map<String, int[]> byId = new HashMap<>();
    for (String id : ids) {
      int[] row = new int[columns];
      data.asIntBuffer().get(row);
      data.position(data.position() + 4 * columns);
      byId.put(id, row);
    }
    return byId;
  }
}
