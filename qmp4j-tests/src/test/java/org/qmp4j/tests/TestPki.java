package org.qmp4j.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Throwaway certificates made with openssl at test time, in one directory: NAME-cert.pem and NAME-key.pem. */
final class TestPki {
    /** Extensions of a server certificate for 127.0.0.1 and localhost. */
    static final String SERVER = "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
            + "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n";
    /** Extensions of a client certificate. */
    static final String CLIENT = "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n";

    private final Path dir;

    TestPki(Path dir) {
        this.dir = dir;
    }

    /** @return a file of this PKI */
    Path file(String name) {
        return dir.resolve(name);
    }

    /** A self-signed CA: NAME-cert.pem, NAME-key.pem. */
    void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + "-cert.pem",
                "-days", "2", "-subj", "/CN=qmp4j test " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A certificate signed by the CA named "ca": NAME-cert.pem, NAME-key.pem. */
    void leaf(String name, String keyType, String cn, String extensions) throws Exception {
        List<String> req = new ArrayList<>(List.of("req", "-new", "-newkey", keyType));
        if (keyType.equals("ec")) {
            req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        req.addAll(List.of("-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + cn));
        openssl(req.toArray(new String[0]));
        Files.writeString(file(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions, StandardCharsets.US_ASCII);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-set_serial",
                String.valueOf(System.nanoTime() & 0xffffffL), "-days", "2", "-extfile", name + ".ext",
                "-out", name + "-cert.pem");
    }

    void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("these tests need openssl to make throwaway certificates: install the Debian "
                    + "package 'openssl' (.ci/install-deps --tests does)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl failed: " + cmd + "\n" + out);
        }
    }
}
