package org.qmp4j.cli;

import java.io.PrintStream;
import java.text.DecimalFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.qmp4j.ops.JobProgress;
import org.qmp4j.ops.MigrationProgress;

/**
 * The progress bar of {@code --wait} on a terminal: task, bar, percent, MiB done/total, rate, time left
 * and the job's or migration's state, redrawn in place on stderr and wiped when closed. Callers check
 * {@link OperationWait}'s class lookup first: this class links against progressbar and JLine.
 */
final class ProgressDisplay implements AutoCloseable {
    private static final long MIB = 1L << 20;

    private final ProgressBar bar;

    /**
     * @param task what the bar is named after: the job's id, or {@code migration}
     * @param err the terminal's stderr
     * @param columns the terminal's width; 0 lets progressbar ask the terminal (never in qmp-shell, whose
     *        JLine terminal is the one system terminal JLine allows)
     */
    ProgressDisplay(String task, PrintStream err, int columns) {
        String encoding = System.getProperty("stderr.encoding", System.getProperty("sun.stderr.encoding",
                System.getProperty("native.encoding", "")));
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(0)
                .setStyle("UTF-8".equalsIgnoreCase(encoding) ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setUnit(" MiB", MIB).showSpeed(new DecimalFormat("0.0")).setUpdateIntervalMillis(250)
                .continuousUpdate() // the clock, the time left and the state move even while the bytes do not
                .clearDisplayOnFinish().setConsumer(new Wiped(err, columns)).build();
    }

    /** @param p the job's latest progress */
    void job(JobProgress p) {
        show(p.current(), p.total(), p.status().qmpName());
    }

    /** @param p the migration's latest progress */
    void migration(MigrationProgress p) {
        show(Math.round(p.fraction() * p.total()), p.total(), p.status());
    }

    private void show(long done, long total, String state) {
        bar.maxHint(Math.max(0, total)).stepTo(done).setExtraMessage(" " + state);
    }

    /** Draws the last state and wipes the line (progressbar does it on its thread; this waits for it). */
    @Override
    public void close() {
        bar.close();
    }

    /** progressbar's console output, flushed (stderr flushes only at newlines), wiped rather than ended with one. */
    private static final class Wiped extends ConsoleProgressBarConsumer {
        private final PrintStream err;

        Wiped(PrintStream err, int columns) {
            super(err, columns > 1 ? columns - 1 : -1); // -1: progressbar asks the terminal; the last column stays free
            this.err = err;
        }

        // Drawn under stderr's lock: qmp-shell's events thread takes it to print an event above the bar.
        @Override
        public void accept(String rendered) {
            synchronized (err) {
                super.accept(rendered);
                err.flush();
            }
        }

        @Override
        public void clear() {
            synchronized (err) {
                err.print("\r\033[K"); // progressbar's own clear goes through accept, which trims its closing \r
                err.flush();
            }
        }

        @Override
        public void close() {
            err.flush();
        }
    }
}
