package org.qmp4j.ops;

/**
 * Where a job stands, from {@code query-jobs}.
 *
 * @param id the job's id
 * @param type its type ({@code backup}, {@code mirror}, {@code commit}, ...), or empty when unknown
 * @param status its state
 * @param current work done, in the job's unit (bytes for block jobs)
 * @param total the work there is; it may grow while the job runs (a mirror of a busy disk)
 */
public record JobProgress(String id, String type, JobStatus status, long current, long total) {
    /** @return the fraction done, 0 to 1 (0 while the total is unknown) */
    public double fraction() {
        return total <= 0 ? 0 : Math.min(1.0, (double) current / total);
    }
}
