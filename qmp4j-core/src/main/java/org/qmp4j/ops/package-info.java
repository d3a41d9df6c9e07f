/**
 * Operations followed to their end. A QMP reply often only says "started": {@link org.qmp4j.ops.Job}
 * follows a block job (or any job with a {@code job-id}) through its states to the end, with progress,
 * its error as {@link org.qmp4j.ops.JobFailedException} and cancellation that reaches QEMU;
 * {@link org.qmp4j.ops.Migration} follows a live migration on either side;
 * {@link org.qmp4j.ops.Unplug} waits for {@code DEVICE_DELETED}; {@link org.qmp4j.ops.PowerDown} for
 * {@code SHUTDOWN}. Each subscribes to its events before it sends the command, so nothing is missed.
 */
package org.qmp4j.ops;
