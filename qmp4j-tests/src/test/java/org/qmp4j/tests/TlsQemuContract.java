package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.Greeting;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.tests.ToolProcess.Result;

/**
 * QMP over TLS against a real QEMU: one QEMU with four TCP monitors, three of them behind
 * {@code tls-creds-x509}, and throwaway certificates made with openssl at test time. Subclasses pick
 * the generation (7.2 and 11.x).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TlsQemuContract {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    /** @return the QEMU generation to test */
    abstract QemuGeneration generation();

    private Path dir;
    private QemuProcess qemu;
    /** verify-peer=off, certificate for 127.0.0.1 and localhost. */
    private int open;
    /** verify-peer=on: a client certificate signed by the CA is required. */
    private int mutual;
    /** verify-peer=off, certificate for localhost only. */
    private int localhostOnly;
    /** plain QMP over TCP, no TLS. */
    private int plain;

    @BeforeAll
    void start() throws Exception {
        // Inside the chroot of a chrooted QEMU, so that it can read its credentials.
        dir = Files.createTempDirectory(generation().root().resolve("tmp"), "qmp4j-tls-");
        makeCertificates();
        open = freePort();
        mutual = freePort();
        localhostOnly = freePort();
        plain = freePort();
        String server = generation().seenByQemu(dir.resolve("server"));
        String localhost = generation().seenByQemu(dir.resolve("localhost"));
        qemu = generation().launcher().addArgs(
                "-object", "tls-creds-x509,id=tls0,dir=" + server + ",endpoint=server,verify-peer=off",
                "-object", "tls-creds-x509,id=tls1,dir=" + server + ",endpoint=server,verify-peer=on",
                "-object", "tls-creds-x509,id=tls2,dir=" + localhost + ",endpoint=server,verify-peer=off")
                .addArgs(monitor(0, open, "tls0")).addArgs(monitor(1, mutual, "tls1"))
                .addArgs(monitor(2, localhostOnly, "tls2")).addArgs(monitor(3, plain, null))
                .start();
    }

    @AfterAll
    void stop() throws IOException {
        if (qemu != null) {
            qemu.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String[] monitor(int n, int port, String creds) {
        return new String[] {"-chardev", "socket,id=mon" + n + ",host=127.0.0.1,port=" + port + ",server=on,wait=off"
                + (creds != null ? ",tls-creds=" + creds : ""), "-mon", "chardev=mon" + n + ",mode=control"};
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static QmpClient.Builder client(String address) {
        return QmpClient.builder().address(address).connectTimeout(CONNECT).commandTimeout(CONNECT);
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    @Test
    void rightCaConnects() {
        try (QmpClient c = client("tls:127.0.0.1:" + open).tlsCa(file("ca-cert.pem")).connect()) {
            assertEquals("prelaunch", c.execute("query-status").path("status").asText());
            Greeting.Version g = c.greeting().version();
            JsonNode v = c.execute("query-version");
            assertEquals(g.major(), v.path("qemu").path("major").asInt());
            assertEquals(g.minor(), v.path("qemu").path("minor").asInt());
            assertEquals(g.micro(), v.path("qemu").path("micro").asInt());
        }
        // A TLS option makes a plain host:port use TLS too; localhost is in the certificate as well.
        try (QmpClient c = client("localhost:" + open).tlsCa(file("ca-cert.pem")).connect()) {
            assertEquals("prelaunch", c.execute("query-status").path("status").asText());
        }
    }

    @Test
    void wrongCaIsAClearTlsError() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class,
                () -> client("tls:127.0.0.1:" + open).tlsCa(file("other-ca-cert.pem")).connect());
        assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:" + open + " failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("not signed by the given CA"), e.getMessage());
        // The JDK's default trust store does not know the throwaway CA either.
        QmpConnectionException d = assertThrows(QmpConnectionException.class,
                () -> client("tls:127.0.0.1:" + open).connect());
        assertTrue(d.getMessage().contains("not trusted by the JDK's default trust store"), d.getMessage());
        // QEMU still serves the next client.
        try (QmpClient c = client("tls:127.0.0.1:" + open).tlsCa(file("ca-cert.pem")).connect()) {
            assertEquals("prelaunch", c.execute("query-status").path("status").asText());
        }
    }

    @Test
    void clientCertificateIsAccepted() {
        // EC key in PKCS#8, then RSA key in PKCS#1 ("BEGIN RSA PRIVATE KEY").
        for (String name : List.of("client-ec", "client-rsa")) {
            try (QmpClient c = client("tls:127.0.0.1:" + mutual).tlsCa(file("ca-cert.pem"))
                    .tlsClientCertificate(file(name + "-cert.pem"), file(name + "-key.pem")).connect()) {
                assertEquals("prelaunch", c.execute("query-status").path("status").asText(), name);
            }
        }
    }

    @Test
    void missingClientCertificateIsAClearError() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class,
                () -> client("tls:127.0.0.1:" + mutual).tlsCa(file("ca-cert.pem")).connect());
        assertTrue(e.getMessage().contains("client certificate"), e.getMessage());
    }

    @Test
    void hostNameMismatchFailsUnlessInsecure() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class,
                () -> client("tls:127.0.0.1:" + localhostOnly).tlsCa(file("ca-cert.pem")).connect());
        assertTrue(e.getMessage().contains("does not name the host"), e.getMessage());
        try (QmpClient c = client("tls:localhost:" + localhostOnly).tlsCa(file("ca-cert.pem")).connect()) {
            assertEquals("prelaunch", c.execute("query-status").path("status").asText());
        }
        try (QmpClient c = client("tls:127.0.0.1:" + localhostOnly).insecureSkipTlsVerification().connect()) {
            assertEquals("prelaunch", c.execute("query-status").path("status").asText());
        }
        // insecure also skips the chain check
        try (QmpClient c = client("tls:127.0.0.1:" + open).tlsCa(file("other-ca-cert.pem"))
                .insecureSkipTlsVerification().connect()) {
            assertEquals("prelaunch", c.execute("query-status").path("status").asText());
        }
    }

    @Test
    void tlsToAPlainSocketOrAUnixSocketIsAClearError() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class,
                () -> client("tls:127.0.0.1:" + plain).tlsCa(file("ca-cert.pem")).connect());
        assertTrue(e.getMessage().contains("does not speak TLS"), e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                () -> client(qemu.address()).tlsCa(file("ca-cert.pem")).connect());
        assertTrue(u.getMessage().contains("TLS options need a TCP address"), u.getMessage());
    }

    @Test
    void cliToolSpeaksTls() {
        Result r = ToolProcess.run(java.util.Map.of(), null, "qom-get", "-s", "tls:127.0.0.1:" + mutual,
                "--tls-ca", file("ca-cert.pem").toString(), "--tls-cert", file("client-ec-cert.pem").toString(),
                "--tls-key", file("client-ec-key.pem").toString(), "/machine.type");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("q35"), r::toString);
        Result bad = ToolProcess.run(java.util.Map.of(), null, "qom-get", "-s", "tls:127.0.0.1:" + open,
                "--tls-ca", file("other-ca-cert.pem").toString(), "/machine.type");
        assertTrue(bad.exit() != 0, bad::toString);
        assertTrue(bad.err().contains("not signed by the given CA"), bad::toString);
        Result insecure = ToolProcess.run(java.util.Map.of(), null, "qom-get", "-s", "tls:127.0.0.1:" + localhostOnly,
                "--tls-insecure", "/machine.type");
        assertEquals(0, insecure.exit(), insecure::toString);
    }

    // ---- throwaway PKI ----

    private void makeCertificates() throws Exception {
        TestPki pki = new TestPki(dir);
        Path server = Files.createDirectories(dir.resolve("server"));
        Path localhost = Files.createDirectories(dir.resolve("localhost"));
        pki.ca("ca");
        pki.ca("other-ca");
        pki.leaf("server", "rsa:2048", "127.0.0.1", TestPki.SERVER);
        pki.leaf("localhost-server", "rsa:2048", "localhost", "subjectAltName=DNS:localhost\n"
                + "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        pki.leaf("client-ec", "ec", "qmp4j-client", TestPki.CLIENT);
        pki.leaf("client-rsa", "rsa:2048", "qmp4j-client", TestPki.CLIENT);
        // The RSA client key in the traditional PKCS#1 form.
        pki.openssl("rsa", "-in", "client-rsa-key.pem", "-traditional", "-out", "client-rsa-key.pem");
        assertTrue(Files.readString(file("client-rsa-key.pem")).contains("BEGIN RSA PRIVATE KEY"));
        for (Path d : List.of(server, localhost)) {
            Files.copy(file("ca-cert.pem"), d.resolve("ca-cert.pem"));
        }
        Files.copy(file("server-cert.pem"), server.resolve("server-cert.pem"));
        Files.copy(file("server-key.pem"), server.resolve("server-key.pem"));
        Files.copy(file("localhost-server-cert.pem"), localhost.resolve("server-cert.pem"));
        Files.copy(file("localhost-server-key.pem"), localhost.resolve("server-key.pem"));
    }
}
