/** The command-line tools (qmp-shell, qmp, qmp-events, qom-*, qemu-ga-client); no API. */
@SuppressWarnings({"module", "requires-automatic"}) // org.qmp4j.fuse is built after this; JLine names itself in its manifest only
module org.qmp4j.cli {
    requires org.qmp4j.core;
    requires org.qmp4j.mux;
    requires org.qmp4j.codegen; // qmp4j generate
    requires org.apache.commons.cli;
    // Only qmp-shell needs the terminal; one-shot tools run without JLine on their path.
    requires static org.jline;

    // qom-fuse (its own module, for its native FUSE binding) runs through the same Main and Tool.
    exports org.qmp4j.cli to org.qmp4j.fuse;
}
