package example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qmp4j.QmpClient;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.Response;

class HelloTest {
    @Test
    void statusReadsQueryStatus() {
        try (FakeQmpServer server = FakeQmpServer.start()) {
            server.on("query-status", Response.returns(Map.of("status", "running", "running", true)));
            try (QmpClient qmp = QmpClient.connect(server.address())) {
                assertEquals("running (running: true)", Hello.status(qmp));
            }
        }
    }
}
