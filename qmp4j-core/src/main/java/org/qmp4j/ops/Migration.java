package org.qmp4j.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpRequest;
import org.qmp4j.QmpTimeoutException;

/**
 * A live migration followed to its end, on the source ({@link #start}) or the destination
 * ({@link #incoming}, for a QEMU started with {@code -incoming defer}).
 *
 * <pre>{@code
 * Migration in = Migration.incoming(destination, "unix:/run/vm1/migrate.sock", Duration.ofMinutes(10), null);
 * Migration out = Migration.start(source, "unix:/run/vm1/migrate.sock", Duration.ofMinutes(10),
 *         p -> System.out.printf("%s %.0f%%%n", p.status(), p.fraction() * 100));
 * out.completed().join();                    // or MigrationFailedException with QEMU's error-desc
 * in.completed().join();
 * }</pre>
 *
 * <p>{@code migrate} answers at once, even when the destination does not answer: the failure comes
 * later, as a state. So the migration is followed from {@code MIGRATION} events (the {@code events}
 * migration capability is switched on for that, before the command) and from {@code query-migrate},
 * polled for progress, until {@code completed}, {@code failed} or {@code cancelled}. Cancelling
 * {@link #completed()} sends {@code migrate_cancel}.
 */
public final class Migration extends Followed<MigrationProgress> {
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private final boolean incoming;

    private Migration(QmpClient qmp, boolean incoming, Duration deadline, Consumer<MigrationProgress> listener) {
        super(qmp, subscribed(qmp), deadline, listener, new MigrationProgress("none", 0, 0, 0, 0, 0, 0));
        this.incoming = incoming;
    }

    /** MIGRATION events come only with the events capability: switched on before the subscription. */
    private static EventSubscription subscribed(QmpClient qmp) {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "events", "state", true))));
        return qmp.subscribe("MIGRATION");
    }

    /**
     * Starts a migration to {@code uri} and follows it.
     *
     * @param qmp the source's connection
     * @param uri where to, e.g. {@code unix:/run/vm1/migrate.sock} or {@code tcp:dest:4444}
     * @param deadline how long the whole migration may take
     * @param listener called at every state change and progress poll, or null
     * @return the migration, started
     * @throws QmpCommandException when QEMU refuses to start it
     */
    public static Migration start(QmpClient qmp, String uri, Duration deadline, Consumer<MigrationProgress> listener) {
        return start(qmp, QmpRequest.of("migrate").arg("uri", uri), deadline, listener);
    }

    /**
     * Sends a {@code migrate} command of the caller's making (channels, options) and follows it.
     *
     * @param qmp the source's connection
     * @param migrate the command
     * @param deadline how long the whole migration may take
     * @param listener called at every state change and progress poll, or null
     * @return the migration, started
     */
    public static Migration start(QmpClient qmp, QmpRequest migrate, Duration deadline,
            Consumer<MigrationProgress> listener) {
        return begin(new Migration(qmp, false, deadline, listener), migrate);
    }

    /**
     * The destination side: {@code migrate-incoming} on a QEMU started with {@code -incoming defer},
     * followed until the migration has arrived.
     *
     * @param qmp the destination's connection
     * @param uri where to listen, the same the source migrates to
     * @param deadline how long to wait for the whole migration
     * @param listener called at every state change, or null
     * @return the incoming migration
     */
    public static Migration incoming(QmpClient qmp, String uri, Duration deadline, Consumer<MigrationProgress> listener) {
        return begin(new Migration(qmp, true, deadline, listener), QmpRequest.of("migrate-incoming").arg("uri", uri));
    }

    private static Migration begin(Migration m, QmpRequest command) {
        try {
            m.qmp.execute(command);
        } catch (RuntimeException e) {
            m.abandon();
            throw e;
        }
        m.startFollowing();
        return m;
    }

    /**
     * @return completes with the final progress when the migration has {@code completed}; exceptionally
     *     with {@link MigrationFailedException} ({@code failed} with QEMU's {@code error-desc}, or
     *     {@code cancelled}), or {@link QmpTimeoutException} at the deadline. Cancelling it sends
     *     {@code migrate_cancel} (on the source).
     */
    public CompletableFuture<MigrationProgress> completed() {
        return done;
    }

    /** @return the last progress seen */
    public MigrationProgress progress() {
        return progress;
    }

    /** Cancels the migration ({@code migrate_cancel}); it ends {@code cancelled}. */
    public void cancel() {
        qmp.execute("migrate_cancel");
    }

    @Override
    String what() {
        return incoming ? "incoming migration" : "migration";
    }

    @Override
    String stillDoing() {
        return "migration still " + progress.status() + " (" + Math.round(progress.fraction() * 100) + "% of RAM sent)";
    }

    @Override
    boolean cancelInQemu() {
        if (incoming) {
            return false; // the destination cannot cancel; the source decides
        }
        cancel();
        return true;
    }

    @Override
    void onEvent(QmpEvent e) {
        String status = e.data().path("status").asText();
        if (FINAL.contains(status)) {
            poll(); // the final record: error-desc, totals
            if (!done.isDone()) {
                end(status, null);
            }
        }
    }

    @Override
    void poll() {
        JsonNode m = qmp.execute("query-migrate");
        JsonNode ram = m.path("ram");
        progress = new MigrationProgress(m.path("status").asText("none"), ram.path("transferred").asLong(),
                ram.path("total").asLong(), ram.path("remaining").asLong(), ram.path("mbps").asDouble(),
                ram.path("dirty-pages-rate").asLong(), m.path("expected-downtime").asLong());
        notifyListener();
        if (FINAL.contains(progress.status())) {
            end(progress.status(), m.path("error-desc").asText(null));
        }
    }

    private void end(String status, String errorDesc) {
        switch (status) {
            case "completed" -> done.complete(progress);
            case "cancelled" -> fail(new MigrationFailedException("cancelled"));
            default -> fail(new MigrationFailedException(
                    errorDesc != null ? errorDesc : "failed (QEMU gave no reason)"));
        }
    }
}
