package org.qmp4j.cli;

/** Parsing of numeric option values, with the usage errors the tools share. */
public final class Values {
    private Values() {
    }

    /**
     * @param text what was typed
     * @param what the option, for the message
     * @return a positive number of seconds
     * @throws UsageException otherwise
     */
    public static double positiveSeconds(String text, String what) {
        try {
            double d = Double.parseDouble(text);
            if (d > 0) {
                return d;
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
