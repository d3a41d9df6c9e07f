package org.qmp4j.cli;

/** A failure a tool has already phrased for the user: one line, with a chosen exit code. */
public class ToolFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The exit code the tool ends with. */
    private final int exitCode;

    /**
     * @param message the line to print
     * @param exitCode the exit code
     * @param cause what caused it (shown with --debug)
     */
    public ToolFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** @return the exit code */
    public int exitCode() {
        return exitCode;
    }
}
