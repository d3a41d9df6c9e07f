package org.qmp4j.tests;

/** qmp-mux's engine on the newer QEMU (11.x). */
class NextMuxTest extends MuxContract {
    @Override
    QemuGeneration generation() {
        return QemuGeneration.NEXT;
    }
}
