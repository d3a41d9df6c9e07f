package org.qmp4j.launch;

import org.qmp4j.QmpException;

/** A QEMU process could not be started or died during start-up. The message ends with QEMU's stderr. */
public class QemuProcessException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** What QEMU printed on stderr. */
    private final String stderr;

    /**
     * @param message what happened
     * @param stderr what QEMU printed on stderr (may be empty)
     * @param cause the underlying failure, or null
     */
    public QemuProcessException(String message, String stderr, Throwable cause) {
        super(stderr.isBlank() ? message : message + "; QEMU said: " + stderr.strip(), cause);
        this.stderr = stderr;
    }

    /** @return what QEMU printed on stderr before it failed */
    public String stderr() {
        return stderr;
    }
}
