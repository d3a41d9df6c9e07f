package org.qmp4j.launch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway QEMU: starts the binary with a private QMP socket in a temporary directory, waits
 * until it greets, and hands out a connected {@link QmpClient}. {@link #close()} sends {@code quit},
 * waits, and kills it if it does not exit.
 *
 * <pre>{@code
 * try (QemuProcess qemu = QemuProcess.start()) {          // paused, diskless, no display
 *     System.out.println(qemu.client().greeting().version());
 * }
 * }</pre>
 *
 * <p>QEMU's stderr is kept in a file and quoted in the exception when start-up fails. For a QEMU
 * that lives in a chroot (e.g. a newer build next to the distribution's), use {@link Builder#chroot}:
 * the socket directory is then created inside the chroot and QEMU is given the path it sees there.
 */
public final class QemuProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QemuProcess.class);

    /** The default machine: paused ({@code -S}), no disks, no display, no default devices, TCG. */
    public static final List<String> DEFAULT_ARGS = List.of(
            "-machine", "q35", "-accel", "tcg", "-S", "-nodefaults", "-no-user-config", "-display", "none", "-m", "128");

    private final Process process;
    private final Path directory;
    private final Path socket;
    private final Path stderrFile;
    private final Duration shutdownTimeout;
    private final QmpClient client;
    private final Thread exitHook = new Thread(this::close, "qmp4j-qemu-shutdown");
    private boolean closed;

    private QemuProcess(Process process, Path directory, Path socket, Path stderrFile, Duration shutdownTimeout,
            QmpClient client) {
        this.process = process;
        this.directory = directory;
        this.socket = socket;
        this.stderrFile = stderrFile;
        this.shutdownTimeout = shutdownTimeout;
        this.client = client;
        // A throwaway QEMU must not outlive the JVM that started it (Ctrl-C, SIGTERM, System.exit).
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /**
     * Starts {@code qemu-system-x86_64} from the PATH with {@link #DEFAULT_ARGS}.
     *
     * @return the running, connected QEMU
     * @throws QemuProcessException when QEMU cannot be started or exits during start-up
     * @throws QmpTimeoutException when it does not greet within the start timeout
     */
    public static QemuProcess start() {
        return builder().start();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the client connected at start-up */
    public QmpClient client() {
        return client;
    }

    /** @return the QMP socket's address, {@code unix:/...}, for another client once {@link #client()} is closed */
    public String address() {
        return "unix:" + socket;
    }

    /** @return the private directory holding the socket and QEMU's stderr */
    public Path directory() {
        return directory;
    }

    /** @return QEMU's process id */
    public long pid() {
        return process.pid();
    }

    /** @return the process, e.g. to wait for it with {@code onExit()} */
    public Process process() {
        return process;
    }

    /** @return true while QEMU runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return what QEMU has printed on stderr so far */
    public String stderr() {
        return readQuietly(stderrFile);
    }

    /** Kills QEMU with SIGKILL at once, without {@code quit}. {@link #close()} still cleans up. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Shuts QEMU down: {@code quit} over QMP (on the original client or, if that was closed, a new
     * connection), then waits up to the shutdown timeout, then SIGTERM, then SIGKILL. Removes the
     * private directory. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting and the hook runs anyway; closing twice is harmless
            }
        }
        try {
            if (process.isAlive()) {
                sendQuit();
                if (!waitFor(shutdownTimeout)) {
                    LOG.warn("QEMU {} did not exit within {} after quit; terminating it", pid(), shutdownTimeout);
                    process.destroy();
                    if (!waitFor(Duration.ofSeconds(2))) {
                        process.destroyForcibly();
                        waitFor(Duration.ofSeconds(5));
                    }
                }
            }
        } finally {
            client.close();
            deleteTree(directory);
        }
    }

    private void sendQuit() {
        QmpClient c = client;
        boolean own = false;
        try {
            if (!c.isOpen()) {
                c = QmpClient.builder().address(address()).connectTimeout(Duration.ofSeconds(2)).connect();
                own = true;
            }
            c.execute("quit", null, shutdownTimeout);
        } catch (QmpConnectionException e) {
            // QEMU may close the socket before the reply reaches us: that is a successful quit.
        } catch (QmpException e) {
            LOG.debug("quit failed: {}", e.getMessage());
        } finally {
            if (own) {
                c.close();
            }
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot remove {}: {}", dir, e.getMessage());
        }
    }

    /** Settings for a {@link QemuProcess}. */
    public static final class Builder {
        private String binary = "qemu-system-x86_64";
        private final List<String> args = new ArrayList<>(DEFAULT_ARGS);
        private Path chroot;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private QmpClient.Builder client = QmpClient.builder();

        private Builder() {
        }

        /**
         * @param binary the QEMU executable: a name looked up on the PATH or a path (default {@code qemu-system-x86_64})
         * @return this
         */
        public Builder binary(String binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        /**
         * Replaces the default machine arguments. The QMP socket is always added.
         *
         * @param args QEMU's arguments
         * @return this
         */
        public Builder args(List<String> args) {
            this.args.clear();
            this.args.addAll(args);
            return this;
        }

        /**
         * Appends arguments to the current ones.
         *
         * @param more extra arguments, e.g. {@code "-smp", "2"}
         * @return this
         */
        public Builder addArgs(String... more) {
            this.args.addAll(List.of(more));
            return this;
        }

        /**
         * Runs QEMU as {@code chroot ROOT BINARY ...} (needs root). The socket directory is made under
         * {@code ROOT/tmp}; paths in your own arguments resolve inside the chroot.
         *
         * @param root the chroot's root directory
         * @return this
         */
        public Builder chroot(Path root) {
            this.chroot = root;
            return this;
        }

        /**
         * @param timeout how long QEMU may take to greet (default 30 s)
         * @return this
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long {@code close()} waits after {@code quit} before killing (default 10 s)
         * @return this
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * @param client settings for the client connected at start-up (its address is set by the launcher)
         * @return this
         */
        public Builder client(QmpClient.Builder client) {
            this.client = Objects.requireNonNull(client);
            return this;
        }

        /**
         * Starts QEMU and connects.
         *
         * @return the running QEMU
         * @throws QemuProcessException when QEMU cannot be started or exits during start-up
         * @throws QmpTimeoutException when it does not greet within the start timeout
         */
        public QemuProcess start() {
            Path dir;
            try {
                Path parent = chroot != null ? chroot.resolve("tmp") : Path.of(System.getProperty("java.io.tmpdir"));
                dir = Files.createTempDirectory(parent, "qmp4j-");
            } catch (IOException e) {
                throw new QemuProcessException("cannot create a directory for QEMU's socket: " + e.getMessage(), "", e);
            }
            Path socket = dir.resolve("qmp.sock");
            Path stderr = dir.resolve("qemu.stderr");
            String socketSeenByQemu = chroot != null ? "/" + chroot.relativize(socket) : socket.toString();
            List<String> command = new ArrayList<>();
            if (chroot != null) {
                command.add("chroot");
                command.add(chroot.toString());
            }
            command.add(binary);
            command.addAll(args);
            command.add("-qmp");
            command.add("unix:" + socketSeenByQemu + ",server=on,wait=off");
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(stderr.toFile())
                        .start();
            } catch (IOException e) {
                deleteTree(dir);
                throw new QemuProcessException("cannot run " + binary + ": " + e.getMessage()
                        + " (on Debian: apt-get install qemu-system-x86)", "", e);
            }
            LOG.debug("started QEMU {}: {}", process.pid(), command);
            try {
                QmpClient c = awaitGreeting(process, socket, stderr);
                return new QemuProcess(process, dir, socket, stderr, shutdownTimeout, c);
            } catch (RuntimeException e) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                deleteTree(dir);
                throw e;
            }
        }

        private QmpClient awaitGreeting(Process process, Path socket, Path stderr) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            QmpException last = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new QemuProcessException("QEMU exited with status " + process.exitValue() + " during start-up",
                            readQuietly(stderr), null);
                }
                if (Files.exists(socket)) {
                    Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                    try {
                        return client.address("unix:" + socket).connectTimeout(left).connect();
                    } catch (QmpConnectionException e) {
                        last = e; // bound but not yet listening, or QEMU died: the loop finds out which
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QmpException("interrupted while starting QEMU", e);
                }
            }
            QmpTimeoutException timeout = new QmpTimeoutException(QmpTimeoutException.Phase.PROCESS, startTimeout,
                    "starting QEMU " + process.pid());
            if (last != null) {
                timeout.addSuppressed(last);
            }
            throw timeout;
        }
    }
}
