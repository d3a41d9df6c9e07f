package org.qmp4j;

import java.io.FileDescriptor;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.qmp4j.internal.session.Checks;

/**
 * One QMP command with everything that goes with it: arguments, its own deadline, out-of-band
 * execution, file descriptors. Immutable: each {@code with}-style method returns a new request and
 * leaves the original unchanged, so a request can be built once, shared between threads and sent
 * many times.
 *
 * <pre>{@code
 * QmpRequest add = QmpRequest.of("blockdev-add")
 *         .arg("driver", "null-co")
 *         .arg("node-name", "disk0")
 *         .timeout(Duration.ofSeconds(5));
 * qmp.execute(add);
 * qmp.executeAsync(QmpRequest.of("migrate-recover").arg("uri", "tcp:0:4444").oob());
 * }</pre>
 *
 * <p>Argument values may be strings, numbers, booleans, null, lists, arrays, maps, records or
 * Jackson {@link com.fasterxml.jackson.databind.JsonNode}s; they are converted to JSON when the request
 * is sent. The map of arguments is copied, the values are not: do not change a {@code JsonNode} or a
 * list after putting it in a request.
 */
public final class QmpRequest {
    private static final FileDescriptor[] NO_FDS = {};

    private final String command;
    private final Map<String, Object> arguments; // unmodifiable, in insertion order
    private final Duration timeout; // null: the client's command timeout
    private final boolean oob;
    private final FileDescriptor[] fds;

    private QmpRequest(String command, Map<String, Object> arguments, Duration timeout, boolean oob,
            FileDescriptor[] fds) {
        this.command = command;
        this.arguments = arguments;
        this.timeout = timeout;
        this.oob = oob;
        this.fds = fds;
    }

    /**
     * A command without arguments, to be sent in band with the client's default timeout.
     *
     * @param command the command's name, e.g. {@code query-status}
     * @return the request
     * @throws IllegalArgumentException when the name is null or blank
     */
    public static QmpRequest of(String command) {
        return new QmpRequest(requireName(command), Map.of(), null, false, NO_FDS);
    }

    private static String requireName(String command) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command name is empty");
        }
        return command;
    }

    /**
     * A command with arguments.
     *
     * @param command the command's name
     * @param arguments its arguments, or null for none
     * @return the request
     * @throws IllegalArgumentException when the name is null or blank
     */
    public static QmpRequest of(String command, Map<String, ?> arguments) {
        return of(command).args(arguments);
    }

    /**
     * The request behind the {@code execute(String, ...)} overloads: sent at once and never kept, so the
     * caller's map and array are used as they are instead of copied on every call.
     */
    @SuppressWarnings("unchecked")
    static QmpRequest forCall(String command, Map<String, ?> arguments, Duration timeout, boolean oob,
            FileDescriptor[] fds) {
        return new QmpRequest(requireName(command), arguments == null ? Map.of() : (Map<String, Object>) arguments,
                timeout == null ? null : Checks.positive(timeout, "timeout"), oob, fds == null ? NO_FDS : fds);
    }

    /**
     * @param key an argument's name
     * @param value its value (null is sent as JSON {@code null})
     * @return a request with this argument added, or replaced when the key is already there
     */
    public QmpRequest arg(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Map<String, Object> copy = new LinkedHashMap<>(arguments);
        copy.put(key, value);
        return new QmpRequest(command, Collections.unmodifiableMap(copy), timeout, oob, fds);
    }

    /**
     * @param more arguments to add (replacing those with the same names), or null for none
     * @return a request with these arguments added
     */
    public QmpRequest args(Map<String, ?> more) {
        if (more == null || more.isEmpty()) {
            return this;
        }
        Map<String, Object> copy = new LinkedHashMap<>(arguments);
        for (Map.Entry<String, ?> e : more.entrySet()) {
            copy.put(Objects.requireNonNull(e.getKey(), "argument name"), e.getValue());
        }
        return new QmpRequest(command, Collections.unmodifiableMap(copy), timeout, oob, fds);
    }

    /**
     * @param timeout how long to wait for the reply; QEMU may still run the command after it passes
     * @return a request with this deadline instead of the client's command timeout
     * @throws IllegalArgumentException when the timeout is not positive
     */
    public QmpRequest timeout(Duration timeout) {
        return new QmpRequest(command, arguments, Checks.positive(timeout, "timeout"), oob, fds);
    }

    /**
     * Out of band ({@code exec-oob}): QEMU runs the command at once, even while in-band commands are
     * queued or running. Only commands the schema marks {@code allow-oob} qualify, and only on a
     * connection that negotiated {@code oob} ({@link QmpClient#oobEnabled()}).
     *
     * @return a request sent out of band
     */
    public QmpRequest oob() {
        return new QmpRequest(command, arguments, timeout, true, fds);
    }

    /**
     * File descriptors sent with the command in one message ({@code getfd}, {@code add-fd}); needs a
     * client connected with {@link QmpClient.Builder#fdPassing(boolean)}. QEMU gets its own copies.
     *
     * @param descriptors open descriptors; the caller keeps and closes them
     * @return a request that carries these descriptors (instead of any given before)
     */
    public QmpRequest fds(FileDescriptor... descriptors) {
        FileDescriptor[] copy = descriptors == null ? NO_FDS : descriptors.clone();
        for (FileDescriptor fd : copy) {
            Objects.requireNonNull(fd, "file descriptor");
        }
        return new QmpRequest(command, arguments, timeout, oob, copy);
    }

    /** @return the command's name */
    public String command() {
        return command;
    }

    /** @return the arguments, unmodifiable, in the order they were added; empty for none */
    public Map<String, Object> arguments() {
        return arguments;
    }

    /** @return this request's own deadline, or empty for the client's command timeout */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** @return true when the command is sent out of band */
    public boolean isOob() {
        return oob;
    }

    /** @return a copy of the file descriptors sent with the command; empty for none */
    public FileDescriptor[] fileDescriptors() {
        return fds.clone();
    }

    FileDescriptor[] fdsUnsafe() {
        return fds;
    }

    Duration timeoutOr(Duration fallback) {
        return timeout != null ? timeout : fallback;
    }

    /** Equal when command, arguments, timeout, out-of-band flag and descriptors (by identity) are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof QmpRequest r && command.equals(r.command) && arguments.equals(r.arguments)
                && Objects.equals(timeout, r.timeout) && oob == r.oob && Arrays.equals(fds, r.fds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, arguments, timeout, oob, Arrays.hashCode(fds));
    }

    /** @return the command and the names of its arguments; never their values, which may be secrets */
    @Override
    public String toString() {
        return "QmpRequest[" + (oob ? "exec-oob " : "") + command + " " + arguments.keySet()
                + (timeout != null ? ", timeout " + timeout : "") + (fds.length > 0 ? ", " + fds.length + " fds" : "") + "]";
    }
}
