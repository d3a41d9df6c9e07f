/** The command-line tools (qmp-shell, qmp, qmp-events, qom-*, qemu-ga-client); no API. */
module org.qmp4j.cli {
    requires org.qmp4j.core;
    requires org.apache.commons.cli;
    // Only qmp-shell needs the terminal; one-shot tools run without JLine on their path.
    requires static org.jline;
}
