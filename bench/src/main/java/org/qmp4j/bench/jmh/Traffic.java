package org.qmp4j.bench.jmh;

/** Realistic QMP messages, as QEMU writes them (spaces after colons and commas, CRLF line ends). */
final class Traffic {
    private Traffic() {
    }

    /**
     * @param n a sequence number, making ids and offsets differ
     * @return a {@code query-status} reply
     */
    static String reply(int n) {
        return "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": \"qmp4j-"
                + n + "\"}\r\n";
    }

    /**
     * @param n a sequence number, making offsets differ
     * @return a {@code BLOCK_JOB_PROGRESS} event
     */
    static String event(int n) {
        return "{\"timestamp\": {\"seconds\": " + (1700000000 + n / 1000) + ", \"microseconds\": " + (n % 1000) * 997
                + "}, \"event\": \"BLOCK_JOB_PROGRESS\", \"data\": {\"device\": \"job0\", \"len\": 1073741824, "
                + "\"offset\": " + 4096L * n + ", \"speed\": 0, \"type\": \"mirror\"}}\r\n";
    }

    /**
     * @param n a sequence number
     * @return the bytes qmp4j sends for {@code query-status} with id {@code qmp4j-n}
     */
    static String command(long n) {
        return "{\"execute\":\"query-status\",\"id\":\"qmp4j-" + n + "\"}";
    }
}
