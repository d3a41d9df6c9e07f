package org.qmp4j.tests;

/** Operations followed to their end on Debian 12's QEMU 7.2. */
class DebianOperationsTest extends OperationsContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.DEBIAN;
    }
}
