package org.qmp4j.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.qmp4j.internal.framing.JsonCodec;

class RedactionTest {
    private static JsonNode json(String text) throws Exception {
        return JsonCodec.parse(text);
    }

    @Test
    void secretsAreHiddenInACopyAndTheMessageIsUntouched() throws Exception {
        JsonNode secret = json("{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":\"hunter2\"},\"id\":\"qmp4j-1\"}");
        JsonNode shown = Redaction.forLog(secret);
        assertEquals(Redaction.HIDDEN, shown.path("arguments").path("data").asText());
        assertEquals("s0", shown.path("arguments").path("id").asText());
        assertEquals("hunter2", secret.path("arguments").path("data").asText(), "what is sent stays as it is");

        for (String text : new String[] {
            "{\"execute\":\"set_password\",\"arguments\":{\"protocol\":\"vnc\",\"password\":\"hunter2\"}}",
            "{\"execute\":\"change-vnc-password\",\"arguments\":{\"password\":\"hunter2\"}}",
            "{\"execute\":\"guest-set-user-password\",\"arguments\":{\"username\":\"root\",\"password\":\"aHVudGVyMg==\",\"crypted\":false}}",
            "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"set_password vnc hunter2\"}}",
            "{\"execute\":\"transaction\",\"arguments\":{\"actions\":[{\"type\":\"x\",\"data\":{\"password\":\"hunter2\"}}]}}"}) {
            String logged = JsonCodec.toString(Redaction.forLog(json(text)), false);
            assertFalse(logged.contains("hunter2") || logged.contains("aHVudGVyMg=="), logged);
            assertTrue(logged.contains(Redaction.HIDDEN), logged);
        }
    }

    @Test
    void messagesWithoutSecretsAreLoggedAsTheyAre() throws Exception {
        JsonNode plain = json("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine\",\"property\":\"type\"}}");
        assertSame(plain, Redaction.forLog(plain));
        JsonNode notSecretData = json("{\"event\":\"X\",\"data\":{\"device\":\"d\"}}");
        assertSame(notSecretData, Redaction.forLog(notSecretData));
    }
}
