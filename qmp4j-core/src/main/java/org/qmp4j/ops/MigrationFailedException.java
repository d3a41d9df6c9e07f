package org.qmp4j.ops;

import org.qmp4j.QmpException;

/** A migration ended {@code failed} (with QEMU's {@code error-desc}) or {@code cancelled}. */
public class MigrationFailedException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** QEMU's {@code error-desc}, or {@code cancelled}. */
    private final String error;

    /** @param error QEMU's {@code error-desc}, or {@code cancelled} */
    public MigrationFailedException(String error) {
        super("migration failed: " + error);
        this.error = error;
    }

    /** @return QEMU's {@code error-desc}, or {@code cancelled} */
    public String error() {
        return error;
    }
}
