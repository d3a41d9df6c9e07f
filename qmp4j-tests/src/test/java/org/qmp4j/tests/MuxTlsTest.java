package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.mux.QmpMux;
import org.qmp4j.tests.ToolProcess.Result;

/**
 * qmp-mux serving remote clients over TLS with client certificates, in front of a real QEMU (7.2): the
 * library's client and the qmp tool get in with a certificate signed by the CA, and nobody gets in without.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MuxTlsTest {
    private Path dir;
    private TestPki pki;
    private QemuProcess qemu;
    private QmpMux mux;
    private String address;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("qmp4j-muxtls-");
        pki = new TestPki(dir);
        pki.ca("ca");
        pki.ca("other-ca");
        pki.leaf("server", "rsa:2048", "localhost", TestPki.SERVER);
        pki.leaf("client", "ec", "qmp4j-client", TestPki.CLIENT);
        qemu = QemuProcess.builder().start();
        mux = QmpMux.builder().upstream(qemu.client()).listen(new Address.Tcp("127.0.0.1", 0))
                .tlsServerCertificate(pki.file("server-cert.pem"), pki.file("server-key.pem"))
                .tlsClientCa(pki.file("ca-cert.pem")).start();
        int port = ((Address.Tcp) mux.addresses().get(0)).port();
        address = "tls:localhost:" + port;
    }

    @AfterAll
    void stop() throws Exception {
        mux.close();
        qemu.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aClientWithACertificateFromTheCaGetsIn() {
        try (QmpClient c = QmpClient.builder().address(address).tlsCa(pki.file("ca-cert.pem"))
                .tlsClientCertificate(pki.file("client-cert.pem"), pki.file("client-key.pem"))
                .connectTimeout(Duration.ofSeconds(10)).connect()) {
            Map<String, String> args = Map.of("path", "/machine", "property", "type");
            assertEquals(qemu.client().execute("qom-get", args), c.execute("qom-get", args));
        }
    }

    @Test
    void aClientWithoutACertificateIsTurnedAway() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> QmpClient.builder().address(address)
                .tlsCa(pki.file("ca-cert.pem")).connectTimeout(Duration.ofSeconds(10)).connect());
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    }

    @Test
    void aClientThatDoesNotTrustTheMuxsCertificateSaysSo() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> QmpClient.builder().address(address)
                .tlsCa(pki.file("other-ca-cert.pem"))
                .tlsClientCertificate(pki.file("client-cert.pem"), pki.file("client-key.pem"))
                .connectTimeout(Duration.ofSeconds(10)).connect());
        assertTrue(e.getMessage().contains("not signed by the given CA"), e.getMessage());
    }

    @Test
    void theQmpToolGetsInWithItsTlsOptions() {
        Result r = ToolProcess.run(Map.of(), null, "qmp", "-s", address, "--tls-ca", pki.file("ca-cert.pem").toString(),
                "--tls-cert", pki.file("client-cert.pem").toString(), "--tls-key", pki.file("client-key.pem").toString(),
                "query-status");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("status"), r::toString);
    }
}
