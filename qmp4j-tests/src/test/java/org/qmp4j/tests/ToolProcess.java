package org.qmp4j.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool through its bin/ launcher as a real process. */
final class ToolProcess {
    /** The repository root (the tests run in qmp4j-tests/). */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    /**
     * What a tool did.
     *
     * @param exit its exit code
     * @param out its stdout (invalid UTF-8 replaced)
     * @param err its stderr
     * @param outBytes its stdout, byte for byte
     */
    record Result(int exit, String out, String err, byte[] outBytes) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ToolProcess() {
    }

    static Result run(Map<String, String> env, String stdin, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin").resolve(tool).toString());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("qmp4j-tool-", ".out");
            Path err = Files.createTempFile("qmp4j-tool-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().remove("QMP_SOCKET");
                pb.environment().remove("QMP_PATH");
                pb.environment().putAll(env);
                Process p = pb.start();
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(tool + " did not finish within 120 s: " + Files.readString(err));
                }
                byte[] raw = Files.readAllBytes(out);
                return new Result(p.exitValue(), new String(raw, StandardCharsets.UTF_8),
                        new String(Files.readAllBytes(err), StandardCharsets.UTF_8), raw);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result run(String socket, String tool, String... args) {
        return run(Map.of("QMP_SOCKET", socket), null, tool, args);
    }
}
