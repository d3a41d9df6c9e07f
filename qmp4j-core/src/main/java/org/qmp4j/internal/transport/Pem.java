package org.qmp4j.internal.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and private keys with the JDK alone. */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** DER of the AlgorithmIdentifier {rsaEncryption, NULL}. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {
    }

    /**
     * @param file a PEM file with one or more {@code CERTIFICATE} blocks
     * @return its certificates, in file order
     * @throws IOException when unreadable or without a certificate
     */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file);
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * @param file an unencrypted PEM private key: PKCS#8 (RSA, EC or EdDSA) or PKCS#1 RSA
     * @return the key
     * @throws IOException when unreadable, encrypted or of another format, saying how to convert it
     */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(read(file), StandardCharsets.ISO_8859_1);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.endsWith("PARAMETERS") || type.equals("CERTIFICATE")) {
                continue; // e.g. "EC PARAMETERS" before an EC key, or a certificate in the same file
            }
            if (type.startsWith("ENCRYPTED") || m.group(2).contains("ENCRYPTED")) {
                throw new IOException(file + ": the private key is encrypted, which is not supported; decrypt it with"
                        + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem'");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": broken base64 in the " + type + " block", e);
            }
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(file, der);
            }
            if (type.equals("RSA PRIVATE KEY")) {
                return pkcs8(file, wrapRsa(der));
            }
            throw new IOException(file + ": unsupported key format '" + type + "': convert it to PKCS#8 with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem'");
        }
        throw new IOException(file + ": no PEM private key found (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no such file: " + file, e);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e, e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new IOException(file + ": not an RSA, EC or EdDSA private key in PKCS#8 form");
    }

    /** PKCS#1 RSAPrivateKey to PKCS#8 PrivateKeyInfo: version 0, rsaEncryption, the key as an OCTET STRING. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
