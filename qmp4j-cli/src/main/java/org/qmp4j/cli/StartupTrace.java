package org.qmp4j.cli;

/**
 * With {@code -Dqmp4j.startupTrace=true}, prints on stderr when each phase of a tool's run ends,
 * in milliseconds since {@code main}: how docs/BENCHMARKS.md's start-up breakdown is measured.
 */
public final class StartupTrace {
    private static final boolean ON = Boolean.getBoolean("qmp4j.startupTrace");
    private static final long START = System.nanoTime();

    private StartupTrace() {
    }

    /** @param phase what just ended */
    public static void mark(String phase) {
        if (ON) {
            System.err.printf("[qmp4j start-up %6.1f ms] %s%n", (System.nanoTime() - START) / 1e6, phase);
        }
    }
}
