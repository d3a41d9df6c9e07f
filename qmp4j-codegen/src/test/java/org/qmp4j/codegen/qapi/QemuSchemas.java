package org.qmp4j.codegen.qapi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * QEMU's own schemas as testenv/fetch-qapi keeps them (GPL, never in this repository), parsed once per
 * run, for the parser's tests and the generator's. A missing schema fails the test, never skips it.
 */
public final class QemuSchemas {
    private static final Map<String, QapiSchema> PARSED = new ConcurrentHashMap<>();

    /**
     * Parses a schema once per run and prints its counts for the closing note.
     *
     * @param version {@code 7.2} or {@code 10.0}
     * @param which {@code qapi} (QMP) or {@code qga}
     * @return the parsed schema
     */
    public static QapiSchema schema(String version, String which) {
        return PARSED.computeIfAbsent(version + "/" + which, k -> {
            String dir = System.getProperty("qmp4j.qapiDir", "");
            if (dir.isBlank() || dir.startsWith("${")) {
                throw new AssertionError("QMP4J_QAPI_DIR is not set: run the tests with ./dev test, or set it to "
                        + "what .ci/install-deps --tests prints (testenv/fetch-qapi fetches QEMU's QAPI files)");
            }
            Path file = Path.of(dir, version, which, "qapi-schema.json");
            if (!Files.isRegularFile(file)) {
                throw new AssertionError("no " + file + ": run testenv/fetch-qapi");
            }
            long t0 = System.nanoTime();
            QapiSchema s = QapiParser.parse(file);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("QAPI | " + version + (which.equals("qga") ? " qga" : "") + " | "
                    + s.commands().size() + " commands, " + s.events().size() + " events, " + s.types().size()
                    + " types | " + s.files().size() + " files parsed in " + ms + " ms");
            return s;
        });
    }

    private QemuSchemas() {
    }
}
