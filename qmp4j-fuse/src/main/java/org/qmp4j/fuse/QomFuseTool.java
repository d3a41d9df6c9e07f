package org.qmp4j.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.Options;
import org.qmp4j.QmpClient;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;

/**
 * {@code qom-fuse [-s ADDR | --launch] [--read-only] [--ttl SECONDS] [-o OPTS] MOUNTPOINT}: mounts QEMU's
 * object tree and serves it in the foreground until Ctrl-C, SIGTERM or QEMU going away, then unmounts.
 */
public final class QomFuseTool extends Tool {
    @Override
    public String name() {
        return "qom-fuse";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR | --launch] [--read-only] [--ttl SECONDS] [-o OPTS]... MOUNTPOINT";
    }

    @Override
    public String description() {
        return "Mount QEMU's object tree (QOM) as files: directories are objects, files are properties "
                + "(cat reads one, echo VALUE > FILE sets it), symlinks are links. Runs in the foreground until "
                + "Ctrl-C, SIGTERM or QEMU going away (exit 3), then unmounts.";
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option(null, "read-only", null, "mount read-only"));
        options.addOption(option(null, "ttl", "SECONDS", "how long listings and values are cached (default 1; 0: not at all)"));
        options.addOption(option("o", null, "OPTS", "FUSE mount options, passed on (repeatable)"));
    }

    @Override
    public int run(Invocation in) throws IOException {
        if (in.args().size() != 1) {
            throw new UsageException(in.args().isEmpty() ? "no MOUNTPOINT given" : "expected one MOUNTPOINT, got " + in.args());
        }
        Path mount = Path.of(in.args().get(0)).toAbsolutePath();
        Duration ttl = ttl(in);
        boolean readOnly = in.line().hasOption("read-only");
        if (!Files.isDirectory(mount)) {
            throw new ToolFailure(mount + " is not a directory"
                    + (isStaleMount(mount) ? " (a stale mount: clear it with fusermount -u " + mount + ")" : ""),
                    ExitCode.FAILURE, null);
        }
        QmpClient qmp = in.client();
        qmp.events().close(); // nobody reads them here
        QomFuse fuse = new QomFuse(new QomFileSystem(qmp, ttl, readOnly));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            fuse.umount(); // Ctrl-C or SIGTERM: never leave the mount behind (QemuProcess quits its QEMU itself)
        }));
        // The connection going away unmounts, instead of leaving a mount that answers only EIO.
        CompletableFuture<Void> closed = qmp.whenClosed();
        closed.whenComplete((ok, lost) -> stop.countDown());
        List<String> opts = new ArrayList<>();
        for (String o : in.line().getOptionValues("o") == null ? new String[0] : in.line().getOptionValues("o")) {
            opts.add("-o" + o);
        }
        opts.add("-o" + (readOnly ? "ro," : "") + "fsname=qom,subtype=qmp4j");
        try {
            fuse.mount(mount, false, false, opts.toArray(new String[0]));
        } catch (RuntimeException e) {
            throw new ToolFailure("cannot mount " + mount + ": " + e.getMessage(), ExitCode.FAILURE, e);
        }
        try {
            in.out().println("qom-fuse: mounted " + qmp.name() + " at " + mount);
            in.out().flush();
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fuse.umount();
        }
        if (closed.isDone() && qmp.closeCause() != null) {
            throw new ToolFailure("the connection to QEMU ended (" + qmp.closeCause().getMessage() + "); unmounted "
                    + mount, ExitCode.CONNECTION, qmp.closeCause());
        }
        return ExitCode.OK;
    }

    private static Duration ttl(Invocation in) {
        String text = in.line().getOptionValue("ttl");
        if (text == null) {
            return Duration.ofSeconds(1);
        }
        return text.trim().equals("0") ? Duration.ZERO : Values.positiveSeconds(text, "--ttl");
    }

    private static boolean isStaleMount(Path mount) {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" " + mount + " "));
        } catch (IOException e) {
            return false;
        }
    }
}
