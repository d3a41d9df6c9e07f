package org.qmp4j.ops;

import org.qmp4j.QmpException;

/** A job ended with an error: QEMU's own text, e.g. {@code No space left on device}. */
public class JobFailedException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** The job's id. */
    private final String jobId;
    /** QEMU's description of the error. */
    private final String error;

    /**
     * @param jobId the job's id
     * @param error QEMU's text
     */
    public JobFailedException(String jobId, String error) {
        super("job " + jobId + " failed: " + error);
        this.jobId = jobId;
        this.error = error;
    }

    /** @return the job's id */
    public String jobId() {
        return jobId;
    }

    /** @return QEMU's text of the error */
    public String error() {
        return error;
    }
}
