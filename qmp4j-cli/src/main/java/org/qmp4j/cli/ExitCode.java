package org.qmp4j.cli;

/** The exit codes every qmp4j tool uses (documented in the README and each tool's --help). */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** QEMU answered with an error, or the tool failed at run time. */
    public static final int FAILURE = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** Could not connect, or the connection was lost. */
    public static final int CONNECTION = 3;
    /** A deadline passed (connecting, a command, waiting for an event). */
    public static final int TIMEOUT = 4;

    private ExitCode() {
    }
}
