package org.qmp4j.cli.tools;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.cli.Options;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.mux.QmpMux;

/**
 * {@code qmp-mux}: holds the one connection to a QEMU monitor and serves any number of clients on other
 * sockets ({@link QmpMux}). Runs in the foreground until SIGINT/SIGTERM (exit 0, its sockets removed) or
 * until QEMU goes away (exit 3, one line, after every client was disconnected).
 */
public final class QmpMuxTool extends Tool {
    @Override
    public String name() {
        return "qmp-mux";
    }

    @Override
    public String synopsis() {
        return "-s UPSTREAM|--launch --listen ADDR [--listen ADDR]... [--read-only ADDR]... [--log FILE] "
                + "[--listen-tls-cert FILE --listen-tls-key FILE [--listen-tls-ca FILE]]";
    }

    @Override
    public String description() {
        return "Share one QMP monitor among many clients. Each client connecting to a --listen address (unix:PATH, "
                + "made with mode 0600, or host:port; TLS with --listen-tls-cert/--listen-tls-key, client "
                + "certificates required with --listen-tls-ca) gets QEMU's greeting, negotiates on its own, keeps its own ids "
                + "and gets every event; clients on a --read-only address may only run query-*, qom-get, qom-list, "
                + "qom-list-get, qom-list-properties and device-list-properties (never human-monitor-command, "
                + "which can do anything). --log FILE appends one JSON line per exchange and per event, secrets "
                + "redacted. Example: qmp-mux -s /run/vm1/qmp.sock --listen /run/vm1/mux.sock --read-only "
                + "/run/vm1/ro.sock, then qmp-shell /run/vm1/mux.sock. Ends on SIGINT/SIGTERM (exit 0), or with "
                + "exit 3 when QEMU goes away.";
    }

    @Override
    public boolean relaysFileDescriptors() {
        return true;
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option("L", "listen", "ADDR", "serve clients here (repeatable)"));
        options.addOption(option("R", "read-only", "ADDR", "serve read-only clients here (repeatable)"));
        options.addOption(option(null, "listen-tls-cert", "FILE",
                "TCP listeners speak TLS with this certificate (PEM); needs --listen-tls-key"));
        options.addOption(option(null, "listen-tls-key", "FILE", "the certificate's unencrypted key (PEM)"));
        options.addOption(option(null, "listen-tls-ca", "FILE",
                "TLS clients must present a certificate signed by this CA (PEM)"));
        options.addOption(option(null, "log", "FILE", "append every exchange and event as JSON lines"));
        options.addOption(option(null, "command-timeout", "SECONDS",
                "how long a client's command may wait for QEMU (default 600)"));
        options.addOption(option(null, "queue", "N",
                "messages that may wait for one client before it is disconnected (default 4096)"));
    }

    @Override
    public int run(Invocation in) {
        if (!in.args().isEmpty()) {
            throw new UsageException("unexpected argument '" + in.args().get(0) + "'");
        }
        String[] listen = in.line().getOptionValues("listen");
        String[] readOnly = in.line().getOptionValues("read-only");
        if (listen == null && readOnly == null) {
            throw new UsageException("nothing to serve on: give --listen ADDR or --read-only ADDR");
        }
        QmpMux.Builder b = QmpMux.builder();
        boolean certificate = in.line().hasOption("listen-tls-cert");
        for (String a : listen == null ? new String[0] : listen) {
            b.listen(address(a, "--listen", certificate));
        }
        for (String a : readOnly == null ? new String[0] : readOnly) {
            b.listenReadOnly(address(a, "--read-only", certificate));
        }
        boolean tls = in.line().hasOption("listen-tls-cert");
        if (tls != in.line().hasOption("listen-tls-key")) {
            throw new UsageException("--listen-tls-cert and --listen-tls-key go together");
        }
        if (tls) {
            b.tlsServerCertificate(Path.of(in.line().getOptionValue("listen-tls-cert")),
                    Path.of(in.line().getOptionValue("listen-tls-key")));
        }
        if (in.line().hasOption("listen-tls-ca")) {
            if (!tls) {
                throw new UsageException("--listen-tls-ca needs --listen-tls-cert and --listen-tls-key");
            }
            b.tlsClientCa(Path.of(in.line().getOptionValue("listen-tls-ca")));
        }
        if (in.line().hasOption("log")) {
            b.log(Path.of(in.line().getOptionValue("log")));
        }
        if (in.line().hasOption("command-timeout")) {
            b.commandTimeout(Values.positiveSeconds(in.line().getOptionValue("command-timeout"), "--command-timeout"));
        }
        if (in.line().hasOption("queue")) {
            long n = Values.positiveInteger(in.line().getOptionValue("queue"), "--queue");
            b.clientQueue((int) Math.min(n, Integer.MAX_VALUE));
        }
        QmpClient qemu = in.client();
        // SIGINT/SIGTERM: stop listening and remove the sockets before the JVM goes. Registered before the
        // sockets exist, so a signal that comes while they are being made still removes them.
        AtomicReference<QmpMux> running = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            QmpMux m = running.get();
            if (m != null) {
                m.close();
            }
        }, "qmp-mux-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        QmpMux mux = b.upstream(qemu).start();
        running.set(mux);
        if (stopping.get()) { // the signal came while the sockets were being made
            mux.close();
            return ExitCode.OK;
        }
        // QmpMux logs what it serves on (stderr, through the launcher's logger).
        try {
            mux.whenClosed().join();
            return ExitCode.OK;
        } catch (CompletionException e) {
            throw new ToolFailure(e.getCause().getMessage(), ExitCode.CONNECTION, e.getCause());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it closes the mux
            }
        }
    }

    private static Address address(String text, String option, boolean certificate) {
        Address a;
        try {
            a = Address.parse(text);
        } catch (IllegalArgumentException | QmpException e) {
            throw new UsageException("bad " + option + " address '" + text + "': " + e.getMessage());
        }
        if (a instanceof Address.Tcp tcp && tcp.tls() && !certificate) {
            throw new UsageException(option + " " + text + ": TLS needs --listen-tls-cert and --listen-tls-key");
        }
        return a;
    }
}
