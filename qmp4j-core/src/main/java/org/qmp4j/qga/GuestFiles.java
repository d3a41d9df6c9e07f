package org.qmp4j.qga;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.function.LongConsumer;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpProtocolException;

/**
 * Copies files to and from the guest with {@code guest-file-open/read/write/flush/close}, in 1 MiB
 * chunks: memory stays bounded whatever the file's size, bytes pass unaltered, and the guest handle is
 * closed whatever happens. Obtain one from {@link GuestAgentClient#files()}.
 */
public final class GuestFiles {
    /** Chunk for transfers: 1 MiB of data, about 1.4 MB of base64 per message. */
    static final int CHUNK = 1 << 20;

    private final GuestAgentClient ga;

    GuestFiles(GuestAgentClient ga) {
        this.ga = ga;
    }

    /**
     * Copies a guest file to {@code out}.
     *
     * @param guestPath the file in the guest
     * @param out where the bytes go
     * @param progress told the running total after each chunk (may be null)
     * @return the number of bytes copied
     * @throws QmpCommandException when the file cannot be opened or read
     * @throws UncheckedIOException when {@code out} fails
     */
    public long read(String guestPath, OutputStream out, LongConsumer progress) {
        long handle = ga.execute("guest-file-open", Map.of("path", guestPath, "mode", "r")).asLong();
        long total = 0;
        try {
            while (true) {
                JsonNode chunk = ga.execute("guest-file-read", Map.of("handle", handle, "count", CHUNK));
                byte[] bytes = Base64.getDecoder().decode(chunk.path("buf-b64").asText());
                out.write(bytes);
                total += bytes.length;
                if (progress != null) {
                    progress.accept(total);
                }
                if (chunk.path("eof").asBoolean() || bytes.length == 0) {
                    return total;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            close(handle);
        }
    }

    /**
     * Copies {@code in} to a guest file, created or truncated.
     *
     * @param in the bytes
     * @param guestPath the file in the guest
     * @param progress told the running total after each chunk (may be null)
     * @return the number of bytes written
     * @throws QmpCommandException when the file cannot be opened or written
     * @throws UncheckedIOException when {@code in} fails
     */
    public long write(InputStream in, String guestPath, LongConsumer progress) {
        long handle = ga.execute("guest-file-open", Map.of("path", guestPath, "mode", "w")).asLong();
        long total = 0;
        byte[] buf = new byte[CHUNK];
        try {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                String b64 = Base64.getEncoder().encodeToString(Arrays.copyOf(buf, n));
                long written = ga.execute("guest-file-write", Map.of("handle", handle, "buf-b64", b64)).path("count").asLong();
                if (written != n) {
                    throw new QmpProtocolException(ga.name() + ": short write to " + guestPath + ": " + written + " of " + n);
                }
                total += n;
                if (progress != null) {
                    progress.accept(total);
                }
            }
            ga.execute("guest-file-flush", Map.of("handle", handle));
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            close(handle);
        }
    }

    private void close(long handle) {
        try {
            ga.execute("guest-file-close", Map.of("handle", handle));
        } catch (QmpException e) {
            // the transfer's own outcome matters more; the agent reclaims handles when it restarts
        }
    }
}
