package io.memolock.examples;

import java.util.Locale;

/**
 * A tiny English suffix stemmer: steps 1a to 1c of Porter's algorithm and a few common derivational
 * suffixes. Good enough to show an external producer at work ("running" -> "run", "ponies" ->
 * "poni", "happiness" -> "happi", "relational" -> "relate"). Stateless and thread-safe.
 */
public final class Stemmer {
  private static final String[][] DERIVATIONAL = {
    {"ational", "ate"}, {"tional", "tion"}, {"ization", "ize"}, {"iveness", "ive"},
    {"fulness", "ful"}, {"ousness", "ous"}, {"alism", "al"}, {"ation", "ate"}, {"ness", ""},
    {"ment", ""}, {"ful", ""}, {"ly", ""}
  };

  private Stemmer() {}

  /**
   * @param word a word
   * @return its stem, in lower case; words of up to two letters are returned as they are
   */
  public static String stem(String word) {
    String w = word.strip().toLowerCase(Locale.ROOT);
    if (w.length() <= 2) {
      return w;
    }
    // Step 1a: plurals.
    if (w.endsWith("sses")) {
      w = w.substring(0, w.length() - 2);
    } else if (w.endsWith("ies")) {
      w = w.substring(0, w.length() - 2);
    } else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) {
      w = w.substring(0, w.length() - 1);
    }
    // Step 1b: -eed, -ed, -ing.
    if (w.endsWith("eed")) {
      if (measure(w.substring(0, w.length() - 3)) > 0) {
        w = w.substring(0, w.length() - 1);
      }
    } else {
      String base = null;
      if (w.endsWith("ed") && hasVowel(w.substring(0, w.length() - 2))) {
        base = w.substring(0, w.length() - 2);
      } else if (w.endsWith("ing") && hasVowel(w.substring(0, w.length() - 3))) {
        base = w.substring(0, w.length() - 3);
      }
      if (base != null) {
        if (base.endsWith("at") || base.endsWith("bl") || base.endsWith("iz")) {
          base = base + "e";
        } else if (doubleConsonant(base) && !base.endsWith("l") && !base.endsWith("s")
            && !base.endsWith("z")) {
          base = base.substring(0, base.length() - 1);
        } else if (measure(base) == 1 && cvc(base)) {
          base = base + "e";
        }
        w = base;
      }
    }
    // Step 1c: y -> i after a vowel-containing stem.
    if (w.endsWith("y") && hasVowel(w.substring(0, w.length() - 1))) {
      w = w.substring(0, w.length() - 1) + "i";
    }
    // A few derivational suffixes, when enough stem remains.
    for (String[] rule : DERIVATIONAL) {
      if (w.endsWith(rule[0])) {
        String stem = w.substring(0, w.length() - rule[0].length());
        if (measure(stem) > 0) {
          w = stem + rule[1];
        }
        break;
      }
    }
    return w;
  }

  private static boolean consonant(String w, int i) {
    char c = w.charAt(i);
    return switch (c) {
      case 'a', 'e', 'i', 'o', 'u' -> false;
      case 'y' -> i == 0 || !consonant(w, i - 1);
      default -> true;
    };
  }

  private static boolean hasVowel(String w) {
    for (int i = 0; i < w.length(); i++) {
      if (!consonant(w, i)) {
        return true;
      }
    }
    return false;
  }

  /** Porter's m: the number of vowel-consonant sequences. */
  private static int measure(String w) {
    int m = 0;
    boolean inVowel = false;
    for (int i = 0; i < w.length(); i++) {
      boolean c = consonant(w, i);
      if (!c) {
        inVowel = true;
      } else if (inVowel) {
        m++;
        inVowel = false;
      }
    }
    return m;
  }

  private static boolean doubleConsonant(String w) {
    int n = w.length();
    return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && consonant(w, n - 1);
  }

  private static boolean cvc(String w) {
    int n = w.length();
    if (n < 3 || !consonant(w, n - 1) || consonant(w, n - 2) || !consonant(w, n - 3)) {
      return false;
    }
    char last = w.charAt(n - 1);
    return last != 'w' && last != 'x' && last != 'y';
  }
}
