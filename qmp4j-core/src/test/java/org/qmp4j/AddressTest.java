package org.qmp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void unixForms() {
        assertEquals(new Address.Unix(Path.of("/run/qmp.sock")), Address.parse("/run/qmp.sock"));
        assertEquals(new Address.Unix(Path.of("/run/qmp.sock")), Address.parse("unix:/run/qmp.sock"));
        assertEquals(new Address.Unix(Path.of("./a:b.sock")), Address.parse("./a:b.sock"));
        assertEquals(new Address.Unix(Path.of("qmp.sock")), Address.parse("qmp.sock"));
    }

    @Test
    void tcpForms() {
        assertEquals(new Address.Tcp("localhost", 4444), Address.parse("localhost:4444"));
        assertEquals(new Address.Tcp("127.0.0.1", 4444), Address.parse("tcp:127.0.0.1:4444"));
        assertEquals(new Address.Tcp("::1", 4444), Address.parse("[::1]:4444"));
        assertEquals(new Address.Tcp("::1", 4444), Address.parse("tcp:[::1]:4444"));
        assertEquals("tcp:[::1]:4444", Address.parse("[::1]:4444").toString());
    }

    @Test
    void tlsForms() {
        assertEquals(new Address.Tcp("127.0.0.1", 5555, true), Address.parse("tls:127.0.0.1:5555"));
        assertEquals(new Address.Tcp("qemu.example", 5555, true), Address.parse("tls:qemu.example:5555"));
        assertEquals(new Address.Tcp("::1", 5555, true), Address.parse("tls:[::1]:5555"));
        assertEquals("tls:[::1]:5555", Address.parse("tls:[::1]:5555").toString());
        assertEquals("tls:127.0.0.1:5555", Address.parse(" tls:127.0.0.1:5555 ").toString());
        assertEquals(Address.parse("tls:h:1"), new Address.Tcp("h", 1).withTls());
        assertTrue(Address.parse("tls:h:1") instanceof Address.Tcp t && t.tls());
        assertTrue(Address.parse("tcp:h:1") instanceof Address.Tcp t && !t.tls());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("tls:/run/qmp.sock")).getMessage()
                .contains("not on a unix socket"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("tls:host")).getMessage()
                .contains("needs a port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("tls:::1:5555")).getMessage()
                .contains("brackets"));
    }

    @Test
    void badInputGetsAReadableError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("host:http")).getMessage()
                .contains("not a TCP port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("::1:4444")).getMessage()
                .contains("brackets"));
        assertThrows(IllegalArgumentException.class, () -> Address.parse("host:99999"));
        assertThrows(IllegalArgumentException.class, () -> Address.parse(""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("/" + "x".repeat(200)))
                .getMessage().contains("limit is 107"));
    }
}
