package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.qmp4j.Greeting;

/** The contract on Debian 12's QEMU 7.2. */
class DebianQemuTest extends RealQemuContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.DEBIAN;
    }

    @Override
    void checkGeneration(Greeting.Version version) {
        assertEquals(7, version.major(), version.toString());
    }
}
