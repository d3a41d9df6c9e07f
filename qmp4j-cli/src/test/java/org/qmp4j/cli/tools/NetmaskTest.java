package org.qmp4j.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NetmaskTest {
    @Test
    void prefixLengthsBecomeDottedMasks() {
        assertEquals("0.0.0.0", QemuGaClientTool.netmask(0));
        assertEquals("255.0.0.0", QemuGaClientTool.netmask(8));
        assertEquals("255.255.240.0", QemuGaClientTool.netmask(20));
        assertEquals("255.255.255.0", QemuGaClientTool.netmask(24));
        assertEquals("255.255.255.254", QemuGaClientTool.netmask(31));
        assertEquals("255.255.255.255", QemuGaClientTool.netmask(32));
    }
}
