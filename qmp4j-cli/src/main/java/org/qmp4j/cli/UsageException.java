package org.qmp4j.cli;

/** A bad command line or shell input: reported as one line, exit code {@link ExitCode#USAGE}. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, readable */
    public UsageException(String message) {
        super(message);
    }
}
