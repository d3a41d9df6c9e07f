package org.qmp4j.tests;

/** qmp-mux's engine on Debian 12's QEMU 7.2. */
class DebianMuxTest extends MuxContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.DEBIAN;
    }
}
