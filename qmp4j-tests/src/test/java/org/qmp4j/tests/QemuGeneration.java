package org.qmp4j.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import org.qmp4j.launch.QemuProcess;

/** The two QEMU generations every real-QEMU test runs against. Missing QEMU is a failure, never a skip. */
enum QemuGeneration {
    /** Debian 12's qemu-system-x86 package (7.2). */
    DEBIAN {
        @Override
        QemuProcess.Builder launcher() {
            return QemuProcess.builder();
        }

        @Override
        Path root() {
            return Path.of("/");
        }
    },
    /** The newer QEMU (11.x) that ./dev test builds in a chroot from Debian sid. */
    NEXT {
        @Override
        QemuProcess.Builder launcher() {
            return QemuProcess.builder().chroot(root());
        }

        @Override
        Path root() {
            String prop = System.getProperty("qmp4j.qemuNextRoot", "");
            if (prop.isBlank() || prop.startsWith("${")) {
                throw new AssertionError("QMP4J_QEMU_NEXT_ROOT is not set: run the tests with ./dev test, which builds "
                        + "the newer QEMU chroot (testenv/mkqemu-next) and points this variable at it");
            }
            Path root = Path.of(prop);
            if (!Files.isExecutable(root.resolve("usr/bin/qemu-system-x86_64"))) {
                throw new AssertionError("no qemu-system-x86_64 in the chroot " + root + ": rebuild it with ./dev test");
            }
            return root;
        }
    };

    /** @return a launcher for this generation */
    abstract QemuProcess.Builder launcher();

    /** @return the file-system root QEMU sees */
    abstract Path root();

    /**
     * @param args QEMU's arguments
     * @return the command line that runs this generation's qemu-system-x86_64
     */
    java.util.List<String> command(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        if (this == NEXT) {
            cmd.add("chroot");
            cmd.add(root().toString());
        }
        cmd.add("qemu-system-x86_64");
        cmd.addAll(java.util.List.of(args));
        return cmd;
    }

    /** @return how QEMU spells a host path under its root */
    String seenByQemu(Path hostPath) {
        return "/" + root().relativize(hostPath);
    }
}
