/** A modular application over the API generated from QEMU's schema (package example.typed.qemu). */
module example.typed {
    requires org.qmp4j.core;

    // Jackson builds the generated records from QEMU's replies.
    opens example.typed.qemu to com.fasterxml.jackson.databind;
}
