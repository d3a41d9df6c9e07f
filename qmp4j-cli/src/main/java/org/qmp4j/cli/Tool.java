package org.qmp4j.cli;

import java.time.Duration;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * One command-line tool (one verb). Subclasses declare their options and run with an
 * {@link Invocation}; {@link Main} parses, handles {@code --help}/{@code --version}, and maps every
 * exception to one line on stderr and an exit code.
 */
public abstract class Tool {

    /** @return the tool's name, as in {@code bin/} */
    public abstract String name();

    /** @return what follows the name in the usage line, e.g. {@code [options] PATH.PROPERTY} */
    public abstract String synopsis();

    /** @return one paragraph for --help */
    public abstract String description();

    /**
     * @return true if the tool talks to a QMP socket and so gets the shared connection options
     *     ({@code -s}, {@code --launch}, {@code --timeout}, TLS); the guest agent's tool has its own
     */
    public boolean usesQmpSocket() {
        return true;
    }

    /**
     * @return true if the tool passes on file descriptors its own clients send (qmp-mux), so its connection
     *     to a unix socket must be able to carry them
     */
    public boolean relaysFileDescriptors() {
        return false;
    }

    /** @return the default {@code --timeout} */
    public Duration defaultTimeout() {
        return Duration.ofSeconds(10);
    }

    /** @return an older environment variable that also names the socket after {@code $QMP_SOCKET}, or null */
    public String legacyAddressVariable() {
        return null;
    }

    /** @return true if everything after the first positional argument belongs to the tool (like {@code qmp COMMAND --k=v}) */
    public boolean stopsAtFirstArgument() {
        return false;
    }

    /** @param options where to add the tool's own options */
    public void addOptions(Options options) {
    }

    /**
     * Runs the tool.
     *
     * @param in the parsed command line, connection and output
     * @return the exit code
     * @throws Exception anything; {@link Main} reports it
     */
    public abstract int run(Invocation in) throws Exception;

    /**
     * @param shortName short option or null
     * @param longName long option
     * @param argName the argument's name, or null for a flag
     * @param description help text
     * @return an option
     */
    protected static Option option(String shortName, String longName, String argName, String description) {
        Option.Builder b = Option.builder(shortName).longOpt(longName).desc(description);
        if (argName != null) {
            b.hasArg().argName(argName);
        }
        return b.get();
    }
}
