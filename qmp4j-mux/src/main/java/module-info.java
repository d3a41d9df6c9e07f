/** qmp-mux's engine: many QMP clients on one QEMU monitor ({@link org.qmp4j.mux.QmpMux}). */
module org.qmp4j.mux {
    requires org.qmp4j.core;
    requires org.slf4j;

    exports org.qmp4j.mux;
}
