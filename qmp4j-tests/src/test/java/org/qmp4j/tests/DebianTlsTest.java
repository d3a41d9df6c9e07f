package org.qmp4j.tests;

/** QMP over TLS on Debian 12's QEMU 7.2. */
class DebianTlsTest extends TlsQemuContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.DEBIAN;
    }
}
