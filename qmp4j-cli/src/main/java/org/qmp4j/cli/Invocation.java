package org.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.launch.QemuProcess;

/**
 * Everything a running tool needs: its parsed command line, where to print, and (lazily) the QMP
 * connection, which it closes at the end. Not shared between threads except for printing.
 */
public final class Invocation implements AutoCloseable {
    private static final List<String> TLS_OPTIONS = List.of("tls-ca", "tls-cert", "tls-key", "tls-insecure");
    private final Tool tool;
    private final CommandLine line;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration timeout;
    private QmpClient client;
    private QemuProcess qemu;
    private String explicitAddress;

    Invocation(Tool tool, CommandLine line, PrintStream out, PrintStream err) {
        this.tool = tool;
        this.line = line;
        this.out = out;
        this.err = err;
        this.timeout = line.hasOption("timeout") ? Values.positiveSeconds(line.getOptionValue("timeout"), "--timeout")
                : tool.defaultTimeout();
    }

    /** @return the parsed command line */
    public CommandLine line() {
        return line;
    }

    /** @return positional arguments */
    public List<String> args() {
        return line.getArgList();
    }

    /** @return standard output */
    public PrintStream out() {
        return out;
    }

    /** @return standard error */
    public PrintStream err() {
        return err;
    }

    /** @return --timeout: for connecting and for each command */
    public Duration timeout() {
        return timeout;
    }

    /** @return true with --json */
    public boolean json() {
        return line.hasOption("json");
    }

    /** @return the tool's name */
    public String toolName() {
        return tool.name();
    }

    /**
     * Connects (once) with negotiation.
     *
     * @return the client
     */
    public QmpClient client() {
        return client(true);
    }

    /**
     * Connects (once) without waiting for a greeting or negotiating: for a guest agent socket.
     *
     * @return the client
     */
    public QmpClient clientWithoutGreeting() {
        return connect(false, false);
    }

    /**
     * Connects (once): to a throwaway QEMU with --launch, else to -s/--socket, a positional address
     * given by the tool, or $QMP_SOCKET.
     *
     * @param negotiate whether to send qmp_capabilities
     * @return the client
     */
    public QmpClient client(boolean negotiate) {
        return connect(negotiate, true);
    }

    private QmpClient connect(boolean negotiate, boolean greeting) {
        if (client != null) {
            return client;
        }
        QmpClient.Builder b = QmpClient.builder().connectTimeout(timeout).commandTimeout(timeout)
                .negotiate(negotiate).awaitGreeting(greeting);
        if (line.hasOption("launch")) {
            if (line.hasOption("socket")) {
                throw new UsageException("--launch and --socket exclude each other");
            }
            if (TLS_OPTIONS.stream().anyMatch(line::hasOption)) {
                throw new UsageException("--launch uses a unix socket: the --tls-* options do not apply");
            }
            qemu = QemuProcess.builder().client(b.name("qemu").fdPassing(tool.relaysFileDescriptors())).start();
            client = qemu.client();
        } else {
            String address = address();
            tls(b);
            // qmp --pass-fd, and qmp-mux for its clients: a unix socket that can carry descriptors
            b.fdPassing(line.hasOption("pass-fd")
                    || (tool.relaysFileDescriptors() && Address.parse(address) instanceof Address.Unix));
            client = b.address(address).name(address).connect();
        }
        StartupTrace.mark("connected");
        return client;
    }

    /**
     * Applies --tls-ca, --tls-cert/--tls-key and --tls-insecure.
     *
     * @param b the builder
     */
    private void tls(QmpClient.Builder b) {
        if (line.hasOption("tls-ca")) {
            b.tlsCa(Path.of(line.getOptionValue("tls-ca")));
        }
        if (line.hasOption("tls-cert") != line.hasOption("tls-key")) {
            throw new UsageException("--tls-cert and --tls-key go together");
        }
        if (line.hasOption("tls-cert")) {
            b.tlsClientCertificate(Path.of(line.getOptionValue("tls-cert")), Path.of(line.getOptionValue("tls-key")));
        }
        if (line.hasOption("tls-insecure")) {
            b.insecureSkipTlsVerification();
        }
    }

    /** @return the throwaway QEMU started by --launch, or null */
    public QemuProcess launched() {
        return qemu;
    }

    /** @param address an address the tool took from its positional arguments (qmp-shell's ADDR) */
    public void address(String address) {
        this.explicitAddress = address;
    }

    private String address() {
        String a = line.getOptionValue("socket");
        if (a == null) {
            a = explicitAddress;
        }
        if (a == null) {
            a = System.getenv("QMP_SOCKET");
        }
        if (a == null && tool.legacyAddressVariable() != null) {
            a = System.getenv(tool.legacyAddressVariable());
        }
        if (a == null || a.isBlank()) {
            throw new UsageException("no QMP socket given: use -s ADDR, set QMP_SOCKET, or --launch a throwaway QEMU");
        }
        return a;
    }

    /**
     * Prints a value as JSON (pretty with {@code pretty}).
     *
     * @param value the value
     * @param pretty indent it
     */
    public void printJson(JsonNode value, boolean pretty) {
        out.println(Json.format(value, pretty));
    }

    @Override
    public void close() {
        StartupTrace.mark("tool done");
        if (qemu != null) {
            qemu.close();
        } else if (client != null) {
            client.close();
        }
        StartupTrace.mark("closed");
    }
}
