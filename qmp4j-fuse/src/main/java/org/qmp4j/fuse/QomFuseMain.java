package org.qmp4j.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpException;
import org.qmp4j.launch.QemuProcess;

/**
 * {@code qom-fuse [-s ADDR] [--launch] [--read-only] [--ttl SECONDS] [-o OPTS] MOUNTPOINT}: mounts QEMU's
 * object tree and serves it in the foreground until Ctrl-C, SIGTERM or QEMU going away, then unmounts.
 * Exit codes as the other tools: 0 ok, 1 failure, 2 usage, 3 connection.
 */
public final class QomFuseMain {
    private QomFuseMain() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String address = System.getenv("QMP_SOCKET");
        boolean launch = false;
        boolean readOnly = false;
        double ttl = 1;
        List<String> fuseOpts = new ArrayList<>();
        String mountPoint = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-s", "--socket" -> address = args[++i];
                    case "--launch" -> launch = true;
                    case "--read-only" -> readOnly = true;
                    case "--ttl" -> ttl = Double.parseDouble(args[++i]);
                    case "-o" -> fuseOpts.add("-o" + args[++i]);
                    case "-h", "--help" -> {
                        System.out.println("usage: qom-fuse [-s ADDR] [--launch] [--read-only] [--ttl SECONDS] [-o OPTS] MOUNTPOINT");
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("-") || mountPoint != null) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        mountPoint = args[i];
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            System.err.println("qom-fuse: bad arguments (try qom-fuse --help)");
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("qom-fuse: " + e.getMessage() + " (try qom-fuse --help)");
            return 2;
        }
        if (mountPoint == null || (address == null && !launch)) {
            System.err.println("qom-fuse: need a MOUNTPOINT and -s ADDR, $QMP_SOCKET or --launch (try qom-fuse --help)");
            return 2;
        }
        Path mount = Path.of(mountPoint).toAbsolutePath();
        if (!Files.isDirectory(mount)) {
            System.err.println("qom-fuse: " + mount + " is not a directory"
                    + (isStaleMount(mount) ? " (a stale mount: clear it with fusermount -u " + mount + ")" : ""));
            return 1;
        }
        QemuProcess qemu = null;
        QmpClient qmp;
        try {
            if (launch) {
                qemu = QemuProcess.start();
                qmp = qemu.client();
            } else {
                qmp = QmpClient.connect(address);
            }
        } catch (QmpException e) {
            System.err.println("qom-fuse: " + e.getMessage());
            return 3;
        }
        QomFuse fuse = new QomFuse(new QomFileSystem(qmp, Duration.ofMillis((long) (ttl * 1000)), readOnly));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            fuse.umount(); // Ctrl-C or SIGTERM: never leave the mount behind (QemuProcess quits its QEMU itself)
        }));
        try {
            List<String> opts = new ArrayList<>(fuseOpts);
            opts.add("-o" + (readOnly ? "ro," : "") + "fsname=qom,subtype=qmp4j");
            fuse.mount(mount, false, false, opts.toArray(new String[0]));
            System.out.println("qom-fuse: mounted " + qmp.name() + " at " + mount);
            System.out.flush();
            // The connection going away unmounts, instead of leaving a mount that answers only EIO.
            while (qmp.isOpen() && stop.getCount() > 0) {
                qmp.events().poll(Duration.ofSeconds(1));
            }
        } catch (QmpException lost) {
            // fall through to unmount
        } catch (RuntimeException e) {
            System.err.println("qom-fuse: cannot mount " + mount + ": " + e.getMessage());
            return 1;
        } finally {
            fuse.umount();
            if (qemu != null) {
                qemu.close();
            } else {
                qmp.close();
            }
        }
        if (stop.getCount() > 0) {
            System.err.println("qom-fuse: the connection to QEMU ended; unmounted " + mount);
            return 3;
        }
        return 0;
    }

    private static boolean isStaleMount(Path mount) {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" " + mount + " "));
        } catch (IOException e) {
            return false;
        }
    }
}
