/** A modular application: qmp4j's API is all it can see of the library. */
module example.hello {
    requires org.qmp4j.core;
}
