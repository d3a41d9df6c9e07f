package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The naming rules the issue fixes, so users can predict the generated names. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NamesTest {
    @Test
    void commandsBecomeLowerCamelMethodsAndPascalArgumentRecords() {
        assertEquals("queryStatus", Names.method("query-status"));
        assertEquals("deviceDel", Names.method("device_del"));
        assertEquals("xBlockdevChange", Names.method("x-blockdev-change"));
        assertEquals("qmpCapabilities", Names.method("qmp_capabilities"));
        assertEquals("QomGetArgs", Names.argumentsRecord("qom-get"));
        assertEquals("XBlockdevChangeArgs", Names.argumentsRecord("x-blockdev-change"));
    }

    @Test
    void eventsBecomePascalRecords() {
        assertEquals("StopEvent", Names.eventRecord("STOP"));
        assertEquals("DeviceDeletedEvent", Names.eventRecord("DEVICE_DELETED"));
        assertEquals("BlockJobCompletedEvent", Names.eventRecord("BLOCK_JOB_COMPLETED"));
    }

    @Test
    void membersBecomeLowerCamelComponentsAndKeywordsGetAnUnderscore() {
        assertEquals("nodeName", Names.member("node-name"));
        assertEquals("cpuIndex", Names.member("cpu-index"));
        assertEquals("default_", Names.member("default"));
        assertEquals("wait_", Names.member("wait")); // a record component cannot be named like Object.wait()
        assertEquals("if_", Names.member("if"));
        assertEquals("id", Names.member("id"));
        assertEquals("xPerm", Names.member("x-perm"));
    }

    @Test
    void enumValuesBecomeUpperSnakeConstants() {
        assertEquals("PRELAUNCH", Names.constant("prelaunch"));
        assertEquals("PC_Q35", Names.constant("pc-q35"));
        assertEquals("FINISH_MIGRATE", Names.constant("finish-migrate"));
        assertEquals("_0_10", Names.constant("0.10"));
        assertEquals("_1_1", Names.constant("1.1"));
        assertEquals("UNKNOWN_", Names.constant("unknown"), "UNKNOWN is the constant for values the schema did not know");
    }

    @Test
    void typeNamesKeepQemusCamelCase() {
        assertEquals("BlockdevOptions", Names.type("BlockdevOptions"));
        assertEquals("RunState", Names.type("RunState"));
        assertEquals("XDbgBlockGraph", Names.type("XDbgBlockGraph"));
        assertEquals("QObjFoo", Names.type("q_obj_foo"));
    }

    @Test
    void packageNamesAreDottedIdentifiersWithoutReservedWords() {
        assertTrue(Names.isPackageName("com.example.qemu"));
        assertTrue(Names.isPackageName("x"));
        assertTrue(Names.isPackageName("a.record.var")); // contextual keywords are legal identifiers
        assertFalse(Names.isPackageName(""));
        assertFalse(Names.isPackageName("com..qemu"));
        assertFalse(Names.isPackageName("com.example."));
        assertFalse(Names.isPackageName("com.int.qemu"));
        assertFalse(Names.isPackageName("com.9lives"));
        assertFalse(Names.isPackageName("com.my-qemu"));
        assertFalse(Names.isPackageName("_"));
    }
}
