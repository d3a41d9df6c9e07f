package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.qmp4j.Greeting;

/** The contract on the newer QEMU (11.x from Debian sid, in a chroot). */
class NextQemuTest extends RealQemuContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.NEXT;
    }

    @Override
    void checkGeneration(Greeting.Version version) {
        assertTrue(version.atLeast(10, 0), version.toString());
    }
}
