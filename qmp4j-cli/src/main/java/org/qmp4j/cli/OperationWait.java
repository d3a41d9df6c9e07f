package org.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * on a terminal a progress bar shows on stderr while a job or migration runs, wiped when it ends.
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

    /** Whether the bar's libraries are there: the launcher leaves them off a plain qmp's class path. */
    private static final boolean BAR_CLASSES = present("me.tongfei.progressbar.ProgressBar")
            && present("org.jline.terminal.TerminalBuilder");

    private OperationWait() {
    }

    /**
     * Sends the command and waits.
     *
     * @param qmp the connection
     * @param command the command
     * @param args its arguments
     * @param wait the bound
     * @param err where the progress bar goes (only on a terminal)
     * @param columns the terminal's width, or 0 to have the bar ask the terminal itself; a tool that holds
     *        JLine's one system terminal (qmp-shell) passes its width instead
     * @return how it ended
     * @throws UsageException for a command whose effect cannot be followed
     * @throws ToolFailure for a failed job or migration (exit 1, QEMU's text)
     * @throws org.qmp4j.QmpTimeoutException past the bound
     */
    public static Outcome run(QmpClient qmp, String command, Map<String, JsonNode> args, Duration wait, PrintStream err,
            int columns) {
        ProgressDisplay bar = null;
        try {
            if (args.containsKey("job-id")) {
                bar = display(args.get("job-id").asText(), err, columns);
                Job job = Job.start(qmp, QmpRequest.of(command, args), wait, bar == null ? null : bar::job);
                return finish(job, true, wait);
            }
            switch (command) {
                case "job-complete", "job-cancel", "job-finalize" -> {
                    JsonNode id = args.get("id");
                    if (id == null) {
                        throw new UsageException(command + " needs --id=JOB");
                    }
                    bar = display(id.asText(), err, columns);
                    // followed before the command is sent
                    Job job = Job.attach(qmp, id.asText(), wait, bar == null ? null : bar::job);
                    qmp.execute(QmpRequest.of(command, args));
                    try {
                        return finish(job, false, wait);
                    } catch (ToolFailure f) {
                        if (command.equals("job-cancel") && f.getCause() instanceof JobFailedException j
                                && j.error().equals("cancelled")) {
                            return new Outcome("cancelled", job.progress());
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
                    return new Outcome("deleted", null);
                }
                case "migrate" -> {
                    bar = display("migration", err, columns);
                    Migration m = Migration.start(qmp, QmpRequest.of(command, args), wait,
                            bar == null ? null : bar::migration);
                    try {
                        Await.until(m.completed(), Await.deadline(wait.plusSeconds(5)), "migration", () -> {
                            throw new IllegalStateException("the migration was not followed to its end");
                        });
                    } catch (MigrationFailedException e) {
                        throw new ToolFailure(e.getMessage(), ExitCode.FAILURE, e);
                    }
                    return new Outcome("completed", null);
                }
                case "system_powerdown" -> {
                    PowerDown.systemPowerdown(qmp, wait);
                    return new Outcome("shutdown", null);
                }
                default -> throw new UsageException("--wait does not know what " + command + " starts; it follows "
                        + WHAT);
            }
        } finally {
            if (bar != null) {
                bar.close(); // wiped before the caller prints the outcome or the error
            }
        }
    }

    /** A bar on a terminal when its libraries are there; otherwise null, and the wait goes on without one. */
    private static ProgressDisplay display(String task, PrintStream err, int columns) {
        return BAR_CLASSES && System.console() != null ? new ProgressDisplay(task, err, columns) : null;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, OperationWait.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Waits for the job to conclude or, when allowed, to become ready (a mirror waiting for job-complete). */
    private static Outcome finish(Job job, boolean readyEnds, Duration wait) {
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
        return new Outcome(word, job.progress());
    }
}
