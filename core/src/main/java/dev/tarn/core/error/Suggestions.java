package dev.tarn.core.error;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean" for unknown names: the known names within a small edit distance of the one the
 * user wrote, closest first.
 */
public final class Suggestions {
  private Suggestions() {}

  /** Up to three names closest to {@code name}: within distance max(2, length / 3). */
  public static List<String> closest(String name, Collection<String> candidates) {
    String wanted = name.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, wanted.length() / 3);
    List<String> close = new ArrayList<>();
    List<Integer> distances = new ArrayList<>();
    for (String candidate : candidates) {
      int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
      if (distance <= limit && distance > 0) {
        close.add(candidate);
        distances.add(distance);
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < close.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> distances.get(i)).thenComparing(close::get));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(3, order.size()); i++) {
      out.add(close.get(order.get(i)));
    }
    return out;
  }

  /** {@code message} followed by " Did you mean 'x'?" (or 'x', 'y') when there are suggestions. */
  public static String withSuggestions(String message, String name, Collection<String> candidates) {
    List<String> close = closest(name, candidates);
    if (close.isEmpty()) {
      return message;
    }
    return message + ". Did you mean '" + String.join("', '", close) + "'?";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
