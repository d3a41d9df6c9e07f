package org.qmp4j.cli;

import java.time.Duration;

/** Parsing of numeric option values, with the usage errors the tools share. */
public final class Values {
    private static final double MAX_SECONDS = 1000 * 365.25 * 24 * 3600;

    private Values() {
    }

    /**
     * @param text what was typed
     * @param what the option, for the message
     * @return a positive number of seconds (fractions allowed: {@code 0.5}), as a duration; absurdly
     *     long ones are capped at a thousand years
     * @throws UsageException otherwise
     */
    public static Duration positiveSeconds(String text, String what) {
        try {
            double d = Double.parseDouble(text.trim());
            if (d > 0) {
                double capped = Math.min(d, MAX_SECONDS);
                long whole = (long) capped;
                Duration r = Duration.ofSeconds(whole, Math.round((capped - whole) * 1e9));
                return r.isZero() ? Duration.ofNanos(1) : r;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the usage error
        }
        throw new UsageException(what + " needs a positive number of seconds, got '" + text + "'");
    }

    /**
     * @param text what was typed
     * @param what the option, for the message
     * @return a positive integer
     * @throws UsageException otherwise
     */
    public static long positiveInteger(String text, String what) {
        try {
            long n = Long.parseLong(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the usage error
        }
        throw new UsageException(what + " needs a positive integer, got '" + text + "'");
    }
}
