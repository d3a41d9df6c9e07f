package example.typed;

import example.typed.qemu.QomGetArgs;
import example.typed.qemu.Qmp;
import example.typed.qemu.StopEvent;
import example.typed.qemu.VersionTriple;
import java.time.Duration;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.schema.SchemaDrift;

/**
 * Hello-qmp with the typed API that qmp4j-maven-plugin generated from QEMU 7.2's QAPI schema: records,
 * enums and one method per command instead of command names and JSON.
 */
public final class Typed {
    private Typed() {
    }

    /**
     * @param args none
     */
    public static void main(String[] args) {
        try (QemuProcess qemu = QemuProcess.start()) {
            Qmp qmp = new Qmp(qemu.client());
            VersionTriple v = qmp.queryVersion().qemu();
            System.out.println("QEMU " + v.major() + "." + v.minor() + "." + v.micro());
            System.out.println("status " + qmp.queryStatus().status().wire());
            QomGetArgs machineType = QomGetArgs.builder().path("/machine").property("type").build();
            System.out.println("machine type " + qmp.qomGet(machineType).asText());
            try (Qmp.Subscription<StopEvent> stops = qmp.subscribe(StopEvent.class)) {
                qmp.cont();
                System.out.println("status " + qmp.queryStatus().status().wire());
                qmp.stop();
                StopEvent stop = stops.next(Duration.ofSeconds(30));
                System.out.println("event " + StopEvent.NAME + " (" + stop.getClass().getSimpleName() + "), status "
                        + qmp.queryStatus().status().wire());
            }
            // What this QEMU has that the generated code does not know (nothing new on the same release).
            SchemaDrift drift = qmp.drift();
            System.out.println("drift: " + drift.newCommands().size() + " new commands, "
                    + drift.changedCommands().size() + " changed");
        }
    }
}
