package org.fsqspark.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How an input is cut into shards: image files in runs of {@code filesPerShard} in path order, every
 * Parquet file or tar on its own. The same listing always gives the same shards, which is what lets a
 * re-run recognise the shards an earlier run already committed; {@link #digest()} detects a changed input.
 */
public record ShardPlan(InputListing.Result listing, int filesPerShard, List<Shard> shards, String digest) {
  /** Largest default run of image files per shard. */
  public static final int MAX_DEFAULT_FILES_PER_SHARD = 1000;
  /** Smallest default run: below it a task costs more in scheduling and files than it saves. */
  public static final int MIN_DEFAULT_FILES_PER_SHARD = 16;
  /** Default shard count to aim for on small inputs, so even a few hundred images use every core. */
  public static final int TARGET_SHARDS = 32;

  /**
   * The default files per shard for a folder of {@code files} images: about {@link #TARGET_SHARDS} shards,
   * within 16..1000 files each. It depends on the input only (never on the cluster), so a re-run elsewhere
   * still recognises the shards of an earlier run.
   */
  public static int defaultFilesPerShard(int files) {
    int perShard = (files + TARGET_SHARDS - 1) / TARGET_SHARDS;
    return Math.max(MIN_DEFAULT_FILES_PER_SHARD, Math.min(MAX_DEFAULT_FILES_PER_SHARD, perShard));
  }

  /** Cuts a listing into shards; {@code filesPerShard} 0 chooses {@link #defaultFilesPerShard}. */
  public static ShardPlan of(InputListing.Result listing, int filesPerShard) {
    if (filesPerShard < 0) {
      throw new IllegalArgumentException("--files-per-shard must be positive (or 0 for automatic), got " + filesPerShard);
    }
    if (filesPerShard == 0) {
      filesPerShard = defaultFilesPerShard(listing.files().size());
    }
    List<InputListing.Entry> files = listing.files();
    int step = listing.format() == InputFormat.FOLDER ? filesPerShard : 1;
    List<Shard> shards = new ArrayList<>();
    for (int start = 0; start < files.size(); start += step) {
      shards.add(new Shard(shards.size(), listing.format(), files.subList(start, Math.min(files.size(), start + step))));
    }
    return new ShardPlan(listing, step, List.copyOf(shards), digestOf(listing, step));
  }

  /** Input files in all shards. */
  public int fileCount() {
    return listing.files().size();
  }

  private static String digestOf(InputListing.Result listing, int step) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((listing.format() + "\n" + step + "\n").getBytes(StandardCharsets.UTF_8));
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
