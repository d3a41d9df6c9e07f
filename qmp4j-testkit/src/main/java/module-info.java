/** A scriptable fake QMP server for tests: {@link org.qmp4j.testkit.FakeQmpServer}. */
module org.qmp4j.testkit {
    requires transitive org.qmp4j.core;

    exports org.qmp4j.testkit;
}
