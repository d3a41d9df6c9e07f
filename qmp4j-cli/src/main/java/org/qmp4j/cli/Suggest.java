package org.qmp4j.cli;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for names the schema does not know: the closest known name by edit distance. */
public final class Suggest {
    private Suggest() {
    }

    /**
     * @param known the names that exist
     * @param typed what the user typed
     * @return the closest known name, if one is close enough to be a plausible typo (at most a third of
     *     the typed name's length in edits; {@code _} and {@code -} and case count as the same)
     */
    public static Optional<String> closest(Collection<String> known, String typed) {
        String t = normalise(typed);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(t, normalise(k));
            // On a tie, a name of the typed length wins: "query-statsu" is a swap in query-status,
            // not an extra letter on query-stats.
            if (d < bestDistance || d == bestDistance && k.length() == typed.length() && best.length() != typed.length()) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, typed.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /**
     * @param known the names that exist
     * @param typed what the user typed
     * @return {@code "; did you mean 'NAME'?"}, or an empty string when nothing is close
     */
    public static String didYouMean(Collection<String> known, String typed) {
        return closest(known, typed).map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one edit
     * each (optimal string alignment), the typos people make.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
