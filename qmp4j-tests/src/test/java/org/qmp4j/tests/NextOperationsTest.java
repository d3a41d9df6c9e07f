package org.qmp4j.tests;

/** Operations followed to their end on the newer QEMU (11.x, in a chroot). */
class NextOperationsTest extends OperationsContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.NEXT;
    }
}
