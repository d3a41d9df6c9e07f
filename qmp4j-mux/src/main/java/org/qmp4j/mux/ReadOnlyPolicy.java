package org.qmp4j.mux;

import java.util.Set;

/**
 * What a client on a read-only listener may run: commands that cannot change the VM. HMP
 * ({@code human-monitor-command}) can do anything, so it is never read-only.
 */
public final class ReadOnlyPolicy {
    /** The commands allowed besides every {@code query-*}. */
    public static final Set<String> ALLOWED = Set.of("qom-get", "qom-list", "qom-list-get", "qom-list-properties",
            "device-list-properties", "qmp_capabilities");

    private ReadOnlyPolicy() {
    }

    /**
     * @param command a command's name
     * @return true when a read-only client may run it
     */
    public static boolean allows(String command) {
        return command.startsWith("query-") || ALLOWED.contains(command);
    }

    /**
     * @param command a refused command
     * @return the error text a read-only client gets
     */
    static String refusal(String command) {
        return "qmp-mux: '" + command + "' is not allowed on a read-only connection (only query-*, "
                + String.join(", ", new java.util.TreeSet<>(ALLOWED)) + ")";
    }
}
