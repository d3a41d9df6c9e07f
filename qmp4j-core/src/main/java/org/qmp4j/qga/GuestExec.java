package org.qmp4j.qga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qmp4j.QmpException;
import org.qmp4j.QmpTimeoutException;

/**
 * Runs a program in the guest: {@code guest-exec} with output captured, then {@code guest-exec-status}
 * polled (10 ms, doubling up to 200 ms) until it exits or the deadline passes.
 */
public final class GuestExec {

    /**
     * How a guest program ended.
     *
     * @param exitCode its exit code, or null when a signal ended it
     * @param signal the signal that ended it, or null
     * @param stdout what it wrote to stdout
     * @param stderr what it wrote to stderr
     */
    public record Result(Integer exitCode, Integer signal, byte[] stdout, byte[] stderr) {
    }

    private GuestExec() {
    }

    static Result run(GuestAgentClient ga, List<String> argv, Duration timeout) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no program to run");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("path", argv.get(0));
        args.put("arg", argv.subList(1, argv.size()));
        args.put("capture-output", true);
        long pid = ga.execute("guest-exec", args).path("pid").asLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 10;
        while (true) {
            JsonNode st = ga.execute("guest-exec-status", Map.of("pid", pid));
            if (st.path("exited").asBoolean()) {
                Base64.Decoder b64 = Base64.getDecoder();
                return new Result(st.has("exitcode") ? st.path("exitcode").asInt() : null,
                        st.has("signal") ? st.path("signal").asInt() : null,
                        b64.decode(st.path("out-data").asText("")), b64.decode(st.path("err-data").asText("")));
            }
            if (System.nanoTime() > deadline) {
                throw new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout,
                        ga.name() + ": guest process " + pid + " (" + argv.get(0) + ") still running");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QmpException(ga.name() + ": interrupted while waiting for guest process " + pid, e);
            }
            pause = Math.min(200, pause * 2);
        }
    }
}
