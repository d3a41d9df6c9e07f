/**
 * qmp4j's library: QMP ({@link org.qmp4j.QmpClient}), the guest agent
 * ({@link org.qmp4j.qga.GuestAgentClient}), QOM helpers, QEMU's schema and throwaway QEMUs.
 *
 * <p>Only the packages below are API. The engine under {@code org.qmp4j.internal} (transport, framing,
 * session) is exported to qmp4j's own modules alone, so it can change in any release.
 */
@SuppressWarnings("module") // the modules the engine is exported to are built after this one
module org.qmp4j.core {
    // JsonNode appears in the API: a user of this module reads Jackson through it.
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports org.qmp4j;
    exports org.qmp4j.qga;
    exports org.qmp4j.qom;
    exports org.qmp4j.launch;
    exports org.qmp4j.schema;
    exports org.qmp4j.ops;

    exports org.qmp4j.internal.framing to org.qmp4j.testkit, org.qmp4j.cli, org.qmp4j.fuse, org.qmp4j.mux;
    exports org.qmp4j.internal.session to org.qmp4j.testkit, org.qmp4j.cli, org.qmp4j.mux;
    exports org.qmp4j.internal.transport to org.qmp4j.testkit, org.qmp4j.cli, org.qmp4j.fdpass, org.qmp4j.mux;

    // File-descriptor passing is implemented by the optional org.qmp4j.fdpass module.
    uses org.qmp4j.internal.transport.FdPassingTransport.Provider;
}
