package org.qmp4j.ops;

import java.util.Locale;

/**
 * A job's state, as {@code JOB_STATUS_CHANGE} and {@code query-jobs} report it. QEMU may add states:
 * a name this version does not know is {@link #UNKNOWN}, never an error.
 */
public enum JobStatus {
    /** Not created yet. */
    UNDEFINED,
    /** Created, not started. */
    CREATED,
    /** Working. */
    RUNNING,
    /** Paused by the user ({@code job-pause}) or by an error policy. */
    PAUSED,
    /** In sync (mirror, active commit): waits for {@code job-complete} or {@code job-cancel}. */
    READY,
    /** Paused while ready. */
    STANDBY,
    /** Done, waiting for the other jobs of its transaction. */
    WAITING,
    /** Waiting for {@code job-finalize} (started with {@code auto-finalize: false}). */
    PENDING,
    /** Failing or being cancelled. */
    ABORTING,
    /** Finished, successfully or not; waits for {@code job-dismiss} when started with {@code auto-dismiss: false}. */
    CONCLUDED,
    /** Dismissed: gone from {@code query-jobs}. */
    NULL,
    /** A state this version of qmp4j does not know. */
    UNKNOWN;

    /**
     * @param qmp QEMU's name, e.g. {@code running}
     * @return the state, or {@link #UNKNOWN}
     */
    public static JobStatus of(String qmp) {
        try {
            return valueOf(qmp.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException drift) {
            return UNKNOWN;
        }
    }

    /** @return QEMU's name for it */
    public String qmpName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true once the job has finished its work ({@link #CONCLUDED} or {@link #NULL}) */
    public boolean isFinal() {
        return this == CONCLUDED || this == NULL;
    }
}
