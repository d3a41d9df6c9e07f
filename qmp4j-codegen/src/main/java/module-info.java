/**
 * The typed-API generator's front end: {@link org.qmp4j.codegen.qapi.QapiParser} reads QEMU's QAPI schema
 * files into the model of {@code org.qmp4j.codegen.qapi}; {@link org.qmp4j.codegen.java.JavaGenerator} emits
 * the typed Java API from it, by the fixed naming rules of {@link org.qmp4j.codegen.java.Names}. The generated
 * code needs {@code qmp4j-core}; this module does not.
 */
module org.qmp4j.codegen {
    requires com.fasterxml.jackson.core;

    exports org.qmp4j.codegen.qapi;
    exports org.qmp4j.codegen.java;
}
