package org.qmp4j.ops;

/**
 * Where a migration stands, from {@code query-migrate}.
 *
 * @param status QEMU's state: {@code setup}, {@code active}, {@code device}, {@code completed}, {@code failed}, ...
 * @param transferred bytes of RAM sent
 * @param total bytes of RAM in all
 * @param remaining bytes of RAM still to send (dirtied pages count again)
 * @param mbps the current throughput, megabits per second
 * @param dirtyPagesRate pages the guest dirties per second
 * @param expectedDowntime the downtime QEMU expects for the last step, milliseconds
 */
public record MigrationProgress(String status, long transferred, long total, long remaining, double mbps,
        long dirtyPagesRate, long expectedDowntime) {
    /** @return the fraction of RAM sent, 0 to 1 (1 once completed) */
    public double fraction() {
        if ("completed".equals(status)) {
            return 1;
        }
        return total <= 0 ? 0 : Math.min(1.0, (double) (total - remaining) / total);
    }
}
