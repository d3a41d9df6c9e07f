/**
 * The typed-API generator's front end: {@link org.qmp4j.codegen.qapi.QapiParser} reads QEMU's QAPI schema
 * files into the model of {@code org.qmp4j.codegen.qapi}; {@code org.qmp4j.codegen.java} holds the fixed
 * rules for the Java names the generator will use.
 */
module org.qmp4j.codegen {
    exports org.qmp4j.codegen.qapi;
    exports org.qmp4j.codegen.java;
}
