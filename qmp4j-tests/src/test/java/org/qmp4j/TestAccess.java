package org.qmp4j;

/**
 * What the tests may look at inside a client and users may not: package-private state, reached from
 * this package on the tests' class path.
 */
public final class TestAccess {
    private TestAccess() {
    }

    /**
     * @param client a client
     * @return calls still waiting for a reply (a leak if not 0 once every call has ended)
     */
    public static int pendingCalls(QmpClient client) {
        return client.pendingCalls();
    }
}
