package org.qmp4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QmpRequestTest {
    @Test
    void everyWitherReturnsANewRequestAndLeavesTheOriginalUnchanged() {
        QmpRequest base = QmpRequest.of("blockdev-add");
        QmpRequest withArg = base.arg("driver", "null-co");
        QmpRequest withArgs = withArg.args(Map.of("node-name", "d0"));
        QmpRequest timed = withArgs.timeout(Duration.ofSeconds(5));
        QmpRequest oob = timed.oob();
        QmpRequest fds = oob.fds(FileDescriptor.in);

        assertEquals(Map.of(), base.arguments());
        assertEquals(Optional.empty(), base.timeout());
        assertFalse(base.isOob());
        assertEquals(0, base.fileDescriptors().length);

        assertEquals(Map.of("driver", "null-co"), withArg.arguments());
        assertEquals(Map.of("driver", "null-co", "node-name", "d0"), withArgs.arguments());
        assertEquals(Optional.empty(), withArgs.timeout());
        assertEquals(Optional.of(Duration.ofSeconds(5)), timed.timeout());
        assertFalse(timed.isOob());
        assertTrue(oob.isOob());
        assertEquals(0, oob.fileDescriptors().length);
        assertArrayEquals(new FileDescriptor[] {FileDescriptor.in}, fds.fileDescriptors());
        assertEquals(Optional.of(Duration.ofSeconds(5)), fds.timeout(), "later withers keep earlier settings");
        assertEquals("blockdev-add", fds.command());
    }

    @Test
    void argumentsKeepTheirOrderAndAReusedKeyIsReplaced() {
        QmpRequest r = QmpRequest.of("x").arg("b", 1).arg("a", 2).arg("b", 3);
        assertEquals(List.of("b", "a"), List.copyOf(r.arguments().keySet()));
        assertEquals(3, r.arguments().get("b"));
        assertEquals(java.util.Collections.singletonMap("n", null), QmpRequest.of("x").arg("n", null).arguments(),
                "null is JSON null");
    }

    @Test
    void theCallersMapAndArrayAreCopied() {
        Map<String, Object> args = new HashMap<>(Map.of("k", "v"));
        QmpRequest r = QmpRequest.of("x", args);
        args.put("k", "changed");
        assertEquals("v", r.arguments().get("k"));
        assertThrows(UnsupportedOperationException.class, () -> r.arguments().put("k", "w"));

        FileDescriptor[] given = {FileDescriptor.in};
        QmpRequest f = r.fds(given);
        given[0] = FileDescriptor.out;
        assertEquals(FileDescriptor.in, f.fileDescriptors()[0]);
        f.fileDescriptors()[0] = FileDescriptor.err;
        assertEquals(FileDescriptor.in, f.fileDescriptors()[0]);
    }

    @Test
    void badValuesAreRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> QmpRequest.of(" "));
        assertThrows(IllegalArgumentException.class, () -> QmpRequest.of(null));
        assertThrows(IllegalArgumentException.class, () -> QmpRequest.of("x").timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> QmpRequest.of("x").timeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> QmpRequest.of("x").timeout(null));
        assertThrows(NullPointerException.class, () -> QmpRequest.of("x").arg(null, 1));
        assertThrows(NullPointerException.class, () -> QmpRequest.of("x").fds(FileDescriptor.in, null));
    }

    @Test
    void equalityAndAToStringWithoutValues() {
        QmpRequest a = QmpRequest.of("object-add").arg("qom-type", "secret").arg("data", "hunter2");
        assertEquals(a, QmpRequest.of("object-add", Map.of("qom-type", "secret")).arg("data", "hunter2"));
        assertEquals(a.hashCode(), QmpRequest.of("object-add").arg("qom-type", "secret").arg("data", "hunter2").hashCode());
        assertNotEquals(a, a.oob());
        assertNotEquals(a, a.timeout(Duration.ofSeconds(1)));
        assertFalse(a.toString().contains("hunter2"), a.toString());
        assertTrue(a.toString().contains("object-add") && a.toString().contains("data"), a.toString());
    }
}
