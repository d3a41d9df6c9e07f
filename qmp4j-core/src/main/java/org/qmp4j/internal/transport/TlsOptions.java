package org.qmp4j.internal.transport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a {@link TlsTransport} authenticates: which CA to trust, which client certificate to present,
 * and whether to skip verification altogether.
 *
 * <p>By default the server's certificate chain is verified against the JDK's default trust store and
 * its subject alternative names against the host connected to (HTTPS rules: a DNS name for a host
 * name, an IP address SAN for an IP literal).
 *
 * @param caFile a PEM file with the CA certificate(s) to trust instead of the JDK's default trust store, or null
 * @param certFile a PEM file with the client certificate (and optionally its chain), or null for none
 * @param keyFile the client certificate's unencrypted PEM private key (PKCS#8 {@code BEGIN PRIVATE KEY}
 *     with RSA, EC or EdDSA, or PKCS#1 {@code BEGIN RSA PRIVATE KEY}), or null; set with {@code certFile}
 * @param insecureSkipVerification when true, accept any server certificate for any host name:
 *     encrypts but does not authenticate the server; for tests only
 */
public record TlsOptions(Path caFile, Path certFile, Path keyFile, boolean insecureSkipVerification) {

    /** Verify against the JDK's default trust store, no client certificate. */
    public static final TlsOptions DEFAULT = new TlsOptions(null, null, null, false);

    /**
     * Checks that the client certificate and key come together.
     *
     * @param caFile the CA file or null
     * @param certFile the client certificate or null
     * @param keyFile the client key or null
     * @param insecureSkipVerification skip server verification
     * @throws IllegalArgumentException when only one of certificate and key is given
     */
    public TlsOptions {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a TLS client certificate needs both the certificate and its key file");
        }
    }

    /** @return true unless every setting is the default */
    public boolean customised() {
        // Not equals(DEFAULT): a record's equals is bootstrapped through method handles on first use,
        // which cost every one-shot tool ~15 ms and 5 MiB at start-up.
        return caFile != null || certFile != null || keyFile != null || insecureSkipVerification;
    }

    /**
     * Reads the files and builds the JDK's TLS context.
     *
     * @return the context
     * @throws IOException when a file cannot be read or is not the PEM expected, with the file named
     */
    public SSLContext sslContext() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private KeyManager[] keyManagers() throws IOException, GeneralSecurityException {
        if (certFile == null) {
            return null;
        }
        List<X509Certificate> chain = Pem.certificates(certFile);
        PrivateKey key = Pem.privateKey(keyFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = new char[0];
        store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, password);
        return f.getKeyManagers();
    }

    private TrustManager[] trustManagers() throws IOException, GeneralSecurityException {
        if (insecureSkipVerification) {
            return new TrustManager[] {new TrustAll()};
        }
        if (caFile == null) {
            return null; // the JDK's default trust store
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (X509Certificate ca : Pem.certificates(caFile)) {
            store.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f.getTrustManagers();
    }

    /** Accepts every server: what {@code insecureSkipVerification} asks for. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // client side only: never asked
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // deliberately trusts everything
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // client side only: never asked
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // deliberately trusts everything
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // client side only: never asked
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // deliberately trusts everything
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
