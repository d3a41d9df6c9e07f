package org.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpException;
import org.qmp4j.launch.QemuProcess;

/**
 * The main job for now: starts a throwaway QEMU, prints its version and the commands it offers,
 * and shuts it down. (The tools issue turns this into the interactive qmp-shell.)
 *
 * <p>Exit codes: 0 success, 1 a QMP or QEMU error (one line on stderr).
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * @param args optional: the QEMU binary to run (default {@code qemu-system-x86_64})
     */
    public static void main(String[] args) {
        QemuProcess.Builder builder = QemuProcess.builder();
        if (args.length > 0) {
            builder.binary(args[0]);
        }
        try (QemuProcess qemu = builder.start()) {
            QmpClient qmp = qemu.client();
            JsonNode version = qmp.execute("query-version");
            JsonNode q = version.path("qemu");
            System.out.printf("QEMU %d.%d.%d %s (pid %d, QMP at %s, capabilities %s)%n",
                    q.path("major").asInt(), q.path("minor").asInt(), q.path("micro").asInt(),
                    version.path("package").asText(), qemu.pid(), qemu.address(), qmp.greeting().capabilities());
            List<String> names = new ArrayList<>();
            qmp.execute("query-commands").forEach(c -> names.add(c.path("name").asText()));
            names.sort(null);
            System.out.println(names.size() + " commands:");
            printColumns(names);
        } catch (QmpException | IllegalArgumentException e) {
            System.err.println("qmp4j: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void printColumns(List<String> names) {
        int width = names.stream().mapToInt(String::length).max().orElse(0) + 2;
        int columns = Math.max(1, 100 / width);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            line.append(String.format("%-" + width + "s", names.get(i)));
            if ((i + 1) % columns == 0 || i == names.size() - 1) {
                System.out.println(line.toString().stripTrailing());
                line.setLength(0);
            }
        }
    }
}
