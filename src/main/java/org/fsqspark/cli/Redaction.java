package org.fsqspark.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.regex.Pattern;

/**
 * Keeps secrets off the console: the user-info part of a URL ({@code s3a://KEY:SECRET@bucket/...}) and the
 * value of settings whose names say they are secrets. conf/log4j2.properties applies the same rule to the log.
 */
final class Redaction {
  /** {@code scheme://anything-without-slash@}: credentials written into a URL. */
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");
  /** {@code ...secret.key=VALUE}, {@code ...access.key=VALUE}, {@code ...session.token=VALUE}, passwords. */
  private static final Pattern SECRET_SETTINGS = Pattern.compile(
      "((?:secret|access|session)[._-]?(?:access[._-]?)?(?:key|token)|password)(\\s*[=:]\\s*)[^\\s,;'\"]+",
      Pattern.CASE_INSENSITIVE);

  private Redaction() {}

  /** {@code text} with credentials in URLs and secret settings' values replaced by {@code ***}. */
  static String redact(String text) {
    if (text == null || text.indexOf('@') < 0 && text.indexOf('=') < 0 && text.indexOf(':') < 0) {
      return text;
    }
    String withoutUrls = URL_CREDENTIALS.matcher(text).replaceAll("$1***@");
    return SECRET_SETTINGS.matcher(withoutUrls).replaceAll("$1$2***");
  }

  /** A writer that redacts every chunk written through it (println and printf write whole lines). */
  static Writer writer(Writer target) {
    return new FilterWriter(target) {
      @Override
      public void write(String text, int offset, int length) throws IOException {
        String redacted = redact(text.substring(offset, offset + length));
        out.write(redacted, 0, redacted.length());
      }

      @Override
      public void write(char[] buffer, int offset, int length) throws IOException {
        write(new String(buffer, offset, length), 0, length);
      }
    };
  }
}
