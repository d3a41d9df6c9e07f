package org.qmp4j.codegen.qapi;

/** A schema file that is malformed or inconsistent; the message starts with {@code file:line: }. */
public final class QapiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient SourceLocation location;

    /**
     * @param location where the problem is
     * @param message what is wrong, without the location
     */
    public QapiException(SourceLocation location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    /** @return where the problem is */
    public SourceLocation location() {
        return location;
    }
}
