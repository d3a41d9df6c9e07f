package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's greeting, {@code {"QMP": {"version": {...}, "capabilities": [...]}}}, the first
 * message on every QMP connection.
 *
 * @param version the QEMU version
 * @param capabilities what the server offers, e.g. {@code oob}; order has no meaning
 * @param json the greeting as received, for members this record does not model
 */
public record Greeting(Version version, List<String> capabilities, ObjectNode json) {

    /**
     * Makes the capability list immutable and keeps its own copy of the JSON.
     *
     * @param version the QEMU version
     * @param capabilities what the server offers
     * @param json the greeting as received
     */
    public Greeting {
        capabilities = List.copyOf(capabilities);
        json = json.deepCopy();
    }

    /** @return a copy of the greeting as received: changing it changes nothing for anyone else */
    @Override
    public ObjectNode json() {
        return json.deepCopy();
    }

    /**
     * A QEMU version, as in the greeting and in {@code query-version}.
     *
     * @param major major number
     * @param minor minor number
     * @param micro micro number
     * @param packageName the distribution's package string, e.g. {@code Debian 1:7.2+dfsg-7}; may be empty
     */
    public record Version(int major, int minor, int micro, String packageName) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(major, o.major);
            if (c == 0) {
                c = Integer.compare(minor, o.minor);
            }
            return c != 0 ? c : Integer.compare(micro, o.micro);
        }

        /**
         * @param major major number
         * @param minor minor number
         * @return true if this version is at least {@code major.minor}
         */
        public boolean atLeast(int major, int minor) {
            return compareTo(new Version(major, minor, 0, "")) >= 0;
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + micro + (packageName.isEmpty() ? "" : " (" + packageName + ")");
        }
    }

    /**
     * @param capability e.g. {@code oob}
     * @return true if the server offered it
     */
    public boolean offers(String capability) {
        return capabilities.contains(capability);
    }

    /**
     * Validates and reads a greeting message.
     *
     * @param message the first message from the server
     * @return the greeting
     * @throws QmpProtocolException when it is not a QMP greeting
     */
    public static Greeting parse(ObjectNode message) {
        JsonNode qmp = message.get("QMP");
        JsonNode version = qmp == null ? null : qmp.get("version");
        JsonNode caps = qmp == null ? null : qmp.get("capabilities");
        if (version == null || !version.isObject() || caps == null || !caps.isArray()) {
            throw new QmpProtocolException("did not understand the greeting (is this a QMP socket?): " + message);
        }
        JsonNode q = version.path("qemu");
        List<String> list = new ArrayList<>();
        caps.forEach(c -> list.add(c.asText()));
        return new Greeting(new Version(q.path("major").asInt(), q.path("minor").asInt(), q.path("micro").asInt(),
                version.path("package").asText("").strip()), list, message);
    }
}
