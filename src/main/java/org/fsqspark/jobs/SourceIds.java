package org.fsqspark.jobs;

import java.io.Serializable;
import java.net.URI;

/**
 * Stable image ids: the path relative to the input root, so that the same dataset read from another
 * mount point or bucket keeps its ids.
 */
record SourceIds(String root) implements Serializable {
  /** Ids relative to {@code qualifiedRoot} (a fully qualified folder URI, with or without trailing slash). */
  static SourceIds under(String qualifiedRoot) {
    return new SourceIds(qualifiedRoot.endsWith("/") ? qualifiedRoot : qualifiedRoot + "/");
  }

  String idOf(String path) {
    String decoded = decode(path);
    String base = decode(root);
    if (decoded.startsWith(base)) {
      return decoded.substring(base.length());
    }
    int slash = decoded.lastIndexOf('/');
    return slash >= 0 ? decoded.substring(slash + 1) : decoded;
  }

  private static String decode(String uri) {
    try {
      URI parsed = new URI(uri);
      return parsed.getScheme() == null ? uri : parsed.getScheme() + ":" + parsed.getPath();
    } catch (Exception e) {
      return uri;
    }
  }
}
