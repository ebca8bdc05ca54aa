package org.fsqspark.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.fsqspark.error.BadInputException;

/**
 * How an input is cut into shards: image files in runs in path order, every Parquet file or tar on its own.
 * Automatic runs of image files are cut by estimated work (the file's bytes plus a fixed cost per file), so a
 * shard of thumbnails holds thousands of files and a shard of photos a few hundred; an explicit
 * {@code filesPerShard} cuts runs of exactly that many. The same listing always gives the same shards, which is
 * what lets a re-run recognise the shards an earlier run already committed; {@link #digest()} detects a
 * changed input or layout.
 *
 * @param filesPerShard the explicit run length, or 0 for automatic
 * @param maxShardBytes the work of one automatic shard, in bytes with {@link #FILE_WORK_BYTES} counted per file
 *     (0 for an explicit run length)
 */
public record ShardPlan(InputListing.Result listing, int filesPerShard, long maxShardBytes, List<Shard> shards,
    String digest) {
  /** At most this many automatic shards until shards reach {@link #MAX_SHARD_WORK}. */
  public static final int TARGET_SHARDS = 32;
  /**
   * What a file costs beyond its bytes, in bytes: reading, a decoder's setup, a batch slot, a token row. About
   * what decoding 4 KiB of JPEG costs, so a 300-byte thumbnail weighs a tenth of a 45 KB photo.
   */
  public static final long FILE_WORK_BYTES = 4 << 10;
  /**
   * Least work per automatic shard: about 4,000 thumbnails or 300 photos, half a second or more of a core,
   * so that Spark's cost per task (about 10 ms here, with our shard's open and commit) stays near 2%.
   */
  public static final long MIN_SHARD_WORK = 16L << 20;
  /** Most work per automatic shard, so large inputs keep shards of a few seconds to resume and balance. */
  public static final long MAX_SHARD_WORK = 256L << 20;
  /** Automatic shard counts below {@link #TARGET_SHARDS} are multiples of this, so 2 or 4 cores finish together. */
  public static final int SHARD_MULTIPLE = 4;

  /**
   * Cuts a listing into shards; {@code filesPerShard} 0 cuts image files by estimated work ({@link #automatic}).
   */
  public static ShardPlan of(InputListing.Result listing, int filesPerShard) {
    if (filesPerShard < 0) {
      throw new BadInputException("--files-per-shard must be positive (or 0 for automatic), got " + filesPerShard);
    }
    List<InputListing.Entry> files = listing.files();
    if (listing.format() != InputFormat.FOLDER) {
      List<Shard> shards = new ArrayList<>();
      for (InputListing.Entry file : files) {
        shards.add(new Shard(shards.size(), listing.format(), List.of(file)));
      }
      return new ShardPlan(listing, 1, 0, List.copyOf(shards), digestOf(listing, "one per file"));
    }
    if (filesPerShard == 0) {
      return automatic(listing);
    }
    List<Shard> shards = new ArrayList<>();
    for (int start = 0; start < files.size(); start += filesPerShard) {
      shards.add(new Shard(shards.size(), listing.format(), files.subList(start, Math.min(files.size(),
          start + filesPerShard))));
    }
    return new ShardPlan(listing, filesPerShard, 0, List.copyOf(shards), digestOf(listing, "files " + filesPerShard));
  }

  /**
   * Image files cut into shards of equal estimated work: as many as {@link #MIN_SHARD_WORK} allows up to
   * {@link #TARGET_SHARDS} (rounded up to a multiple of {@link #SHARD_MULTIPLE}), more only when shards would
   * exceed {@link #MAX_SHARD_WORK}. Shard k ends at the first file where the work so far reaches k/n of the total.
   */
  static ShardPlan automatic(InputListing.Result listing) {
    List<InputListing.Entry> files = listing.files();
    long total = 0;
    for (InputListing.Entry file : files) {
      total += work(file);
    }
    long count = Math.min(TARGET_SHARDS, (total + MIN_SHARD_WORK - 1) / MIN_SHARD_WORK);
    if (count > 1) {
      count = Math.min(TARGET_SHARDS, (count + SHARD_MULTIPLE - 1) / SHARD_MULTIPLE * SHARD_MULTIPLE);
    }
    count = Math.max(count, (total + MAX_SHARD_WORK - 1) / MAX_SHARD_WORK);
    count = Math.max(1, Math.min(count, files.size()));
    List<Shard> shards = new ArrayList<>();
    int start = 0;
    long done = 0;
    for (int i = 0; i < files.size(); i++) {
      done += work(files.get(i));
      long boundary = (long) Math.ceil((double) total * (shards.size() + 1) / count);
      if (done >= boundary || i == files.size() - 1) {
        shards.add(new Shard(shards.size(), listing.format(), files.subList(start, i + 1)));
        start = i + 1;
      }
    }
    long perShard = (total + count - 1) / count;
    return new ShardPlan(listing, 0, perShard, List.copyOf(shards),
        digestOf(listing, "work " + FILE_WORK_BYTES + " " + count));
  }

  /** A file's estimated work: its bytes plus {@link #FILE_WORK_BYTES}. */
  static long work(InputListing.Entry file) {
    return file.length() + FILE_WORK_BYTES;
  }

  /** Input files in all shards. */
  public int fileCount() {
    return listing.files().size();
  }

  private static String digestOf(InputListing.Result listing, String layout) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((listing.format() + "\n" + layout + "\n").getBytes(StandardCharsets.UTF_8));
      for (InputListing.Entry entry : listing.files()) {
        sha.update((relative(listing.root(), entry.path()) + "\t" + entry.length() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String relative(String root, String path) {
    return path.startsWith(root) ? path.substring(root.length()) : path;
  }
}
