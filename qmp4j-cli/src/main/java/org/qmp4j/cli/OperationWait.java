package org.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpRequest;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
import org.qmp4j.ops.Job;
import org.qmp4j.ops.JobFailedException;
import org.qmp4j.ops.JobProgress;
import org.qmp4j.ops.Migration;
import org.qmp4j.ops.MigrationFailedException;
import org.qmp4j.ops.MigrationProgress;
import org.qmp4j.ops.PowerDown;
import org.qmp4j.ops.Unplug;

/**
 * {@code qmp --wait SECONDS COMMAND ...} and qmp-shell's {@code wait SECONDS COMMAND ...}: sends the command
 * and waits for what it started, on {@link org.qmp4j.ops}. The outcome is one word ({@code concluded},
 * {@code ready}, {@code completed}, {@code deleted}, {@code shutdown}) and, for a job, its final record;
 * a progress line goes to stderr on a terminal.
 */
public final class OperationWait {
    /**
     * How it ended.
     *
     * @param word {@code concluded}, {@code ready}, {@code cancelled}, {@code completed}, {@code deleted} or {@code shutdown}
     * @param job the job's last progress, or null for other operations
     */
    public record Outcome(String word, JobProgress job) {
        /** @return the outcome as one JSON object (the job's record with an {@code outcome} member) */
        public ObjectNode toJson() {
            ObjectNode o = JsonCodec.object();
            if (job != null) {
                o.put("id", job.id()).put("type", job.type()).put("status", job.status().qmpName())
                        .put("current-progress", job.current()).put("total-progress", job.total());
            }
            return o.put("outcome", word);
        }
    }

    /** What --wait can follow, for help texts and errors. */
    public static final String WHAT = "job-starting commands (with --job-id), job-complete, job-cancel, job-finalize, "
            + "migrate, device_del and system_powerdown";

    private OperationWait() {
    }

    /**
     * Sends the command and waits.
     *
     * @param qmp the connection
     * @param command the command
     * @param args its arguments
     * @param wait the bound
     * @param err where the progress line goes (only on a terminal)
     * @return how it ended
     * @throws UsageException for a command whose effect cannot be followed
     * @throws ToolFailure for a failed job or migration (exit 1, QEMU's text)
     * @throws org.qmp4j.QmpTimeoutException past the bound
     */
    public static Outcome run(QmpClient qmp, String command, Map<String, JsonNode> args, Duration wait, PrintStream err) {
        Consumer<JobProgress> bar = System.console() != null ? new ProgressLine(err) : null;
        if (args.containsKey("job-id")) {
            Job job = Job.start(qmp, QmpRequest.of(command, args), wait, bar);
            return finish(err, job, true, wait);
        }
        switch (command) {
            case "job-complete", "job-cancel", "job-finalize" -> {
                JsonNode id = args.get("id");
                if (id == null) {
                    throw new UsageException(command + " needs --id=JOB");
                }
                Job job = Job.attach(qmp, id.asText(), wait, bar); // followed before the command is sent
                qmp.execute(QmpRequest.of(command, args));
                try {
                    return finish(err, job, false, wait);
                } catch (ToolFailure f) {
                    if (command.equals("job-cancel") && f.getCause() instanceof JobFailedException j
                            && j.error().equals("cancelled")) {
                        return done(err, "cancelled", job.progress());
                    }
                    throw f;
                }
            }
            case "device_del" -> {
                JsonNode id = args.get("id");
                if (id == null) {
                    throw new UsageException("device_del needs --id=DEVICE");
                }
                Unplug.deviceDel(qmp, id.asText(), wait);
                return done(err, "deleted", null);
            }
            case "migrate" -> {
                Consumer<MigrationProgress> line = System.console() != null ? p -> err.printf(
                        "\r\033[Kmigration %s %3.0f%% %.1f/%.1f MiB %.0f Mbit/s", p.status(), p.fraction() * 100,
                        p.transferred() / 1048576.0, p.total() / 1048576.0, p.mbps()) : null;
                Migration m = Migration.start(qmp, QmpRequest.of(command, args), wait, line);
                try {
                    Await.until(m.completed(), Await.deadline(wait.plusSeconds(5)), "migration", () -> {
                        throw new IllegalStateException("the migration was not followed to its end");
                    });
                } catch (MigrationFailedException e) {
                    throw new ToolFailure(e.getMessage(), ExitCode.FAILURE, e);
                }
                return done(err, "completed", null);
            }
            case "system_powerdown" -> {
                PowerDown.systemPowerdown(qmp, wait);
                return done(err, "shutdown", null);
            }
            default -> throw new UsageException("--wait does not know what " + command + " starts; it follows " + WHAT);
        }
    }

    /** Waits for the job to conclude or, when allowed, to become ready (a mirror waiting for job-complete). */
    private static Outcome finish(PrintStream err, Job job, boolean readyEnds, Duration wait) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        if (readyEnds) {
            job.ready().thenAccept(p -> outcome.complete("ready"));
        }
        job.concluded().whenComplete((p, e) -> {
            if (e != null) {
                outcome.completeExceptionally(e);
            } else {
                outcome.complete("concluded");
            }
        });
        String word;
        try {
            // The job's own deadline ends it first; the extra seconds only bound this wait.
            word = Await.until(outcome, Await.deadline(wait.plusSeconds(5)), "job " + job.id(), () -> {
                throw new IllegalStateException("job " + job.id() + " was not followed to its end");
            });
        } catch (JobFailedException e) {
            throw new ToolFailure(e.getMessage(), ExitCode.FAILURE, e);
        }
        return done(err, word, job.progress());
    }

    private static Outcome done(PrintStream err, String word, JobProgress p) {
        if (System.console() != null) {
            err.print("\r\033[K"); // clear the progress line
        }
        return new Outcome(word, p);
    }

    /** One line on stderr, rewritten in place: state, percent, bytes, rate, time left. */
    private static final class ProgressLine implements Consumer<JobProgress> {
        private final PrintStream err;
        private final long start = System.nanoTime();

        ProgressLine(PrintStream err) {
            this.err = err;
        }

        @Override
        public void accept(JobProgress p) {
            double secs = Math.max(0.001, (System.nanoTime() - start) / 1e9);
            double rate = p.current() / secs;
            String left = rate > 0 && p.total() > p.current()
                    ? String.format(" %.0f s left", (p.total() - p.current()) / rate) : "";
            err.printf("\r\033[K%s %s %3.0f%% %.1f/%.1f MiB %.1f MiB/s%s", p.id(), p.status().qmpName(),
                    p.fraction() * 100, p.current() / 1048576.0, p.total() / 1048576.0, rate / 1048576.0, left);
            err.flush();
        }
    }
}
