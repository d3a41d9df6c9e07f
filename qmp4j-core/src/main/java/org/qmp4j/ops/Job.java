package org.qmp4j.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpException;
import org.qmp4j.QmpRequest;
import org.qmp4j.QmpTimeoutException;

/**
 * A QEMU job followed to its end: {@code blockdev-backup}, {@code blockdev-mirror}, {@code block-commit},
 * {@code block-stream}, {@code blockdev-create} or any other command that takes a {@code job-id}.
 *
 * <pre>{@code
 * Job backup = Job.start(qmp, QmpRequest.of("blockdev-backup").arg("job-id", "b0").arg("device", "disk0")
 *         .arg("target", "backup0").arg("sync", "full"), Duration.ofMinutes(30),
 *         p -> System.out.printf("%s %.0f%%%n", p.status(), p.fraction() * 100));
 * backup.concluded().join();                 // or JobFailedException with QEMU's text
 *
 * Job mirror = Job.start(qmp, mirrorRequest, Duration.ofHours(1), null);
 * mirror.ready().join();                     // in sync: now choose
 * mirror.complete();                         // pivot (or mirror.cancel())
 * mirror.concluded().join();
 * }</pre>
 *
 * <p>Race-free: the job's events are subscribed to before the command is sent. The job is followed on
 * a thread of its own, from {@code JOB_STATUS_CHANGE} (and the {@code BLOCK_JOB_*} events, which carry a
 * block job's error text) and from {@code query-jobs}, polled for progress. The deadline bounds the whole
 * job: when it passes, {@link #concluded()} fails with a {@link QmpTimeoutException} that says what the
 * job was doing; the job itself goes on in QEMU. Cancelling {@link #concluded()} cancels the job in QEMU
 * ({@code job-cancel}).
 *
 * <p>Jobs started with {@code auto-finalize: false} stop in {@link JobStatus#PENDING} ({@link #pending()})
 * until {@link #finalizeJob()}; with {@code auto-dismiss: false}, {@link #concluded()} completes at
 * {@link JobStatus#CONCLUDED} and the job stays listed until {@link #dismiss()}.
 */
public final class Job extends Followed<JobProgress> {
    private static final Set<String> EVENTS = Set.of("JOB_STATUS_CHANGE", "BLOCK_JOB_COMPLETED", "BLOCK_JOB_CANCELLED",
            "BLOCK_JOB_ERROR", "BLOCK_JOB_READY", "BLOCK_JOB_PENDING");

    private final String id;
    private final CompletableFuture<JobProgress> ready = new CompletableFuture<>();
    private final CompletableFuture<JobProgress> pending = new CompletableFuture<>();
    private String blockJobError; // follower thread only: BLOCK_JOB_COMPLETED's error text
    private boolean cancelledEvent; // follower thread only

    private Job(QmpClient qmp, String id, Duration deadline, Consumer<JobProgress> listener) {
        super(qmp, qmp.subscribe(matching(id)), deadline, listener, new JobProgress(id, "", JobStatus.UNDEFINED, 0, 0));
        this.id = id;
    }

    /**
     * Sends a job-starting command and follows the job it starts.
     *
     * @param qmp the connection
     * @param command the command; its arguments must name the job ({@code job-id})
     * @param deadline how long the whole job may take
     * @param listener called on the job's thread at every state change and progress poll, or null
     * @return the job, already started
     * @throws IllegalArgumentException when the command has no {@code job-id}
     * @throws QmpCommandException when QEMU refuses the command (then no job exists)
     */
    public static Job start(QmpClient qmp, QmpRequest command, Duration deadline, Consumer<JobProgress> listener) {
        Object jobId = command.arguments().get("job-id");
        if (!(jobId instanceof CharSequence) && !(jobId instanceof JsonNode n && n.isTextual())) {
            throw new IllegalArgumentException(command.command() + " needs a \"job-id\" argument for its job to be followed");
        }
        String id = jobId instanceof JsonNode n ? n.textValue() : jobId.toString();
        Job job = new Job(qmp, id, deadline, listener);
        try {
            qmp.execute(command);
        } catch (RuntimeException e) {
            job.abandon();
            throw e;
        }
        job.startFollowing();
        return job;
    }

    /**
     * Follows a job that already exists (started by someone else, or before this connection).
     *
     * @param qmp the connection
     * @param id the job's id
     * @param deadline how long to follow it
     * @param listener called at every state change and progress poll, or null
     * @return the job
     * @throws QmpException when QEMU has no job with that id
     */
    public static Job attach(QmpClient qmp, String id, Duration deadline, Consumer<JobProgress> listener) {
        Job job = new Job(qmp, Objects.requireNonNull(id, "id"), deadline, listener);
        JobProgress now = job.query();
        if (now == null) {
            job.abandon();
            throw new QmpException(qmp.name() + ": no job '" + id + "' (query-jobs does not list it)");
        }
        job.startFollowing();
        return job;
    }

    private static java.util.function.Predicate<QmpEvent> matching(String id) {
        return e -> EVENTS.contains(e.name()) && (id.equals(e.data().path("id").asText(null))
                || id.equals(e.data().path("device").asText(null)));
    }

    /** @return the job's id */
    public String id() {
        return id;
    }

    /** @return the last state seen */
    public JobStatus status() {
        return progress.status();
    }

    /** @return the last progress seen */
    public JobProgress progress() {
        return progress;
    }

    /**
     * @return completes with the final progress when the job has concluded successfully; exceptionally with
     *     {@link JobFailedException} (QEMU's error text), {@link QmpTimeoutException} at the deadline, or the
     *     connection's exception. Cancelling it cancels the job in QEMU.
     */
    public CompletableFuture<JobProgress> concluded() {
        return done;
    }

    /**
     * @return completes when the job is {@link JobStatus#READY} (mirror, active commit): in sync, waiting for
     *     {@link #complete()} or {@link #cancel()}; fails as {@link #concluded()} does if the job ends first
     */
    public CompletableFuture<JobProgress> ready() {
        return ready;
    }

    /** @return completes when the job waits for {@link #finalizeJob()} (started with {@code auto-finalize: false}) */
    public CompletableFuture<JobProgress> pending() {
        return pending;
    }

    /** Tells a ready job to finish ({@code job-complete}): a mirror pivots to its target. */
    public void complete() {
        qmp.execute("job-complete", Map.of("id", id));
    }

    /** Cancels the job ({@code job-cancel}); a ready mirror then finishes without pivoting. */
    public void cancel() {
        qmp.execute("job-cancel", Map.of("id", id));
    }

    /** Finalizes a pending job ({@code job-finalize}). */
    public void finalizeJob() {
        qmp.execute("job-finalize", Map.of("id", id));
    }

    /** Removes a concluded job from {@code query-jobs} ({@code job-dismiss}). */
    public void dismiss() {
        qmp.execute("job-dismiss", Map.of("id", id));
    }

    // ---- following (the job's own thread) ----

    @Override
    String what() {
        return "job " + id;
    }

    @Override
    String stillDoing() {
        return "job " + id + " still " + progress.status().qmpName() + " (" + Math.round(progress.fraction() * 100)
                + "% done)";
    }

    @Override
    boolean cancelInQemu() {
        cancel();
        return true;
    }

    @Override
    void poll() {
        refresh();
        if (progress.status() == JobStatus.CONCLUDED && !done.isDone()) {
            conclude(); // attached to a job that had already finished (it waits for job-dismiss)
        }
    }

    @Override
    void onEvent(QmpEvent e) {
        JsonNode data = e.data();
        switch (e.name()) {
            case "JOB_STATUS_CHANGE" -> status(JobStatus.of(data.path("status").asText()));
            case "BLOCK_JOB_COMPLETED" -> {
                if (data.hasNonNull("error")) {
                    blockJobError = data.path("error").asText();
                }
            }
            case "BLOCK_JOB_CANCELLED" -> cancelledEvent = true;
            default -> { } // BLOCK_JOB_ERROR, _READY, _PENDING: JOB_STATUS_CHANGE says the same
        }
    }

    private void status(JobStatus s) {
        JobProgress p = progress;
        progress = new JobProgress(id, p.type(), s, p.current(), p.total());
        switch (s) {
            case READY -> {
                refresh();
                ready.complete(progress);
            }
            case PENDING -> pending.complete(progress);
            case CONCLUDED, NULL -> conclude();
            default -> notifyListener();
        }
    }

    /** The job finished: its error (query-jobs while it is still listed, else the block job's event) decides. */
    private void conclude() {
        String error = null;
        JsonNode listed = listed();
        if (listed != null) {
            progress = toProgress(listed);
            error = listed.hasNonNull("error") ? listed.path("error").asText() : null;
        }
        if (error == null) {
            error = blockJobError;
        }
        if (error != null) {
            notifyListener();
            fail(new JobFailedException(id, error));
        } else if (cancelledEvent && !done.isCancelled()) {
            notifyListener();
            fail(new JobFailedException(id, "cancelled"));
        } else {
            if (listed == null) {
                // Dismissed already (auto-dismiss): a job that ends without error did all of its work.
                JobProgress p = progress;
                progress = new JobProgress(id, p.type(), p.status(), Math.max(p.current(), p.total()), p.total());
            }
            notifyListener();
            ready.completeExceptionally(new QmpException(qmp.name() + ": job " + id + " concluded without becoming ready"));
            pending.completeExceptionally(new QmpException(qmp.name() + ": job " + id + " concluded without pending"));
            done.complete(progress);
        }
    }

    @Override
    void fail(QmpException e) {
        ready.completeExceptionally(e);
        pending.completeExceptionally(e);
        done.completeExceptionally(e);
    }

    private void refresh() {
        JobProgress p = query();
        if (p != null) {
            // The state from events is newer than a poll that may have been answered just before an event.
            progress = new JobProgress(id, p.type(), progress.status() == JobStatus.UNDEFINED ? p.status() : progress.status(),
                    p.current(), p.total());
            notifyListener();
        }
    }

    private JobProgress query() {
        JsonNode j = listed();
        return j == null ? null : toProgress(j);
    }

    private JsonNode listed() {
        for (JsonNode j : qmp.execute("query-jobs")) {
            if (id.equals(j.path("id").asText())) {
                return j;
            }
        }
        return null;
    }

    private JobProgress toProgress(JsonNode j) {
        return new JobProgress(id, j.path("type").asText(""), JobStatus.of(j.path("status").asText()),
                j.path("current-progress").asLong(), j.path("total-progress").asLong());
    }
}
