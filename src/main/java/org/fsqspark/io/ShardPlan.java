package org.fsqspark.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.fsqspark.error.BadInputException;

/**
 * How an input is cut into shards: image files in runs of at most {@code filesPerShard} in path order
 * (and, when {@code maxShardBytes} is set, of at most about that many bytes), every Parquet file or tar on
 * its own. The same listing always gives the same shards, which is what lets a
 * re-run recognise the shards an earlier run already committed; {@link #digest()} detects a changed input.
 */
public record ShardPlan(InputListing.Result listing, int filesPerShard, long maxShardBytes, List<Shard> shards,
    String digest) {
  /** Largest default run of image files per shard. */
  public static final int MAX_DEFAULT_FILES_PER_SHARD = 1000;
  /** Smallest default run: below it a task costs more in scheduling and files than it saves. */
  public static final int MIN_DEFAULT_FILES_PER_SHARD = 16;
  /** Default shard count to aim for on small inputs, so even a few hundred images use every core. */
  public static final int TARGET_SHARDS = 32;
  /** Smallest default byte limit per shard, so small inputs are not cut into many tiny tasks. */
  public static final long MIN_DEFAULT_SHARD_BYTES = 1L << 20;

  /**
   * The default files per shard for a folder of {@code files} images: about {@link #TARGET_SHARDS} shards,
   * within 16..1000 files each. It depends on the input only (never on the cluster), so a re-run elsewhere
   * still recognises the shards of an earlier run.
   */
  public static int defaultFilesPerShard(int files) {
    int perShard = (files + TARGET_SHARDS - 1) / TARGET_SHARDS;
    return Math.max(MIN_DEFAULT_FILES_PER_SHARD, Math.min(MAX_DEFAULT_FILES_PER_SHARD, perShard));
  }

  /**
   * Cuts a listing into shards; {@code filesPerShard} 0 chooses {@link #defaultFilesPerShard} and also caps
   * each shard at {@link #defaultMaxShardBytes}: decode time follows encoded bytes more than file count, so a
   * folder of large photos after many thumbnails is spread over several tasks instead of one straggler.
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
      return new ShardPlan(listing, 1, 0, List.copyOf(shards), digestOf(listing, 1, 0));
    }
    long maxBytes = filesPerShard == 0 ? defaultMaxShardBytes(files) : 0;
    int perShard = filesPerShard == 0 ? defaultFilesPerShard(files.size()) : filesPerShard;
    List<Shard> shards = new ArrayList<>();
    int start = 0;
    long bytes = 0;
    for (int i = 0; i < files.size(); i++) {
      bytes += files.get(i).length();
      boolean full = i + 1 - start == perShard || (maxBytes > 0 && bytes >= maxBytes);
      if (full || i == files.size() - 1) {
        shards.add(new Shard(shards.size(), listing.format(), files.subList(start, i + 1)));
        start = i + 1;
        bytes = 0;
      }
    }
    return new ShardPlan(listing, perShard, maxBytes, List.copyOf(shards), digestOf(listing, perShard, maxBytes));
  }

  /** The default byte limit per shard: about a {@link #TARGET_SHARDS}th of the input, at least 1 MiB. */
  public static long defaultMaxShardBytes(List<InputListing.Entry> files) {
    long total = files.stream().mapToLong(InputListing.Entry::length).sum();
    return Math.max(MIN_DEFAULT_SHARD_BYTES, (total + TARGET_SHARDS - 1) / TARGET_SHARDS);
  }

  /** Input files in all shards. */
  public int fileCount() {
    return listing.files().size();
  }

  private static String digestOf(InputListing.Result listing, int step, long maxBytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((listing.format() + "\n" + step + "\n" + maxBytes + "\n").getBytes(StandardCharsets.UTF_8));
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
