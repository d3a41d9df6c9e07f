package org.qmp4j.tests;

/** QMP over TLS on the newer QEMU (11.x) in its chroot. */
class NextTlsTest extends TlsQemuContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.NEXT;
    }
}
