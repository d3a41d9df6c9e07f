package org.qmp4j.fuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.qom.Qom;
import org.qmp4j.qom.QomPath;

/**
 * QEMU's object tree as files, in plain Java (the FUSE binding only adapts it): objects are
 * directories, {@code child<>} properties their subdirectories, {@code link<>} properties symlinks with
 * targets relative inside the mount, every other property a file whose content is its value (strings
 * as text, the rest as JSON) plus a newline. Writing a file sets the property.
 *
 * <p>Each directory costs one {@code qom-list}, cached for a short TTL; its values are fetched together
 * when it is listed: one {@code qom-list-get} on QEMU 10.1+, otherwise {@code qom-get}s in flight at once.
 * Thread-safe.
 */
public final class QomFileSystem {

    /** What a path in the mount is. */
    public sealed interface Entry permits Dir, File, Link {
    }

    /**
     * A QOM object.
     *
     * @param object its QOM path
     */
    public record Dir(String object) implements Entry {
    }

    /**
     * A property.
     *
     * @param object its object's QOM path
     * @param property its name
     * @param type its QOM type
     */
    public record File(String object, String property, String type) implements Entry {
    }

    /**
     * A {@code link<>} property.
     *
     * @param object its object's QOM path
     * @param property its name
     */
    public record Link(String object, String property) implements Entry {
    }

    /** Why an operation failed, as the errno a FUSE binding returns. */
    public enum Errno {
        /** No such object or property. */
        ENOENT,
        /** A directory where a file was expected, or the reverse. */
        EISDIR,
        /** The property cannot be written, or the mount is read-only. */
        EACCES,
        /** QEMU refused the value. */
        EINVAL,
        /** QMP failed or the connection is gone. */
        EIO,
        /** QEMU did not answer in time. */
        ETIMEDOUT
    }

    /** A failed operation: its errno and the QMP error behind it. */
    public static final class FsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** What FUSE answers with. */
        private final Errno errno;

        FsException(Errno errno, String message, Throwable cause) {
            super(message, cause);
            this.errno = errno;
        }

        /** @return the errno to report */
        public Errno errno() {
            return errno;
        }
    }

    private record Timed<T>(T value, long at) {
    }

    private final QmpClient qmp;
    private final Qom qom;
    private final long ttlNanos;
    private final boolean readOnly;
    private final boolean bulk;
    private final Map<String, Timed<List<Qom.Property>>> lists = new ConcurrentHashMap<>();
    private final Map<String, Timed<byte[]>> values = new ConcurrentHashMap<>();

    /**
     * @param qmp a connected client
     * @param ttl how long listings and values are reused (zero: always ask QEMU)
     * @param readOnly refuse writes
     */
    public QomFileSystem(QmpClient qmp, Duration ttl, boolean readOnly) {
        this.qmp = qmp;
        this.qom = new Qom(qmp);
        this.ttlNanos = ttl.toNanos();
        this.readOnly = readOnly;
        this.bulk = qom.hasBulkRead();
    }

    /** @return true when writes are refused */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * @param path a path in the mount, {@code /} or {@code /machine/type}
     * @return what it is
     * @throws FsException ENOENT when it does not exist
     */
    public Entry lookup(String path) {
        if (path.equals("/")) {
            return new Dir("/");
        }
        int slash = path.lastIndexOf('/');
        String parent = slash == 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (!(lookup(parent) instanceof Dir dir)) {
            throw new FsException(Errno.ENOENT, path + ": not a directory", null);
        }
        for (Qom.Property p : properties(dir.object())) {
            if (p.name().equals(name)) {
                if (p.isChild()) {
                    return new Dir(QomPath.join(dir.object(), name));
                }
                return p.isLink() ? new Link(dir.object(), name) : new File(dir.object(), name, p.type());
            }
        }
        throw new FsException(Errno.ENOENT, path + ": no such object or property", null);
    }

    /**
     * @param path a directory in the mount
     * @return its entries' names, in QEMU's order
     */
    public List<String> list(String path) {
        if (!(lookup(path) instanceof Dir dir)) {
            throw new FsException(Errno.ENOENT, path + ": not a directory", null);
        }
        List<String> names = new ArrayList<>();
        for (Qom.Property p : properties(dir.object())) {
            names.add(p.name());
        }
        return names;
    }

    /**
     * @param path a file in the mount
     * @return its content: the value and a newline
     */
    public byte[] read(String path) {
        Entry e = lookup(path);
        if (e instanceof Dir) {
            throw new FsException(Errno.EISDIR, path + " is a directory", null);
        }
        String object = e instanceof File f ? f.object() : ((Link) e).object();
        String property = e instanceof File f ? f.property() : ((Link) e).property();
        return value(object, property);
    }

    /**
     * @param path a link in the mount
     * @return its target, relative to the link's directory
     */
    public String readlink(String path) {
        if (!(lookup(path) instanceof Link link)) {
            throw new FsException(Errno.EINVAL, path + " is not a link", null);
        }
        String target = new String(value(link.object(), link.property()), StandardCharsets.UTF_8).strip();
        if (target.isEmpty()) {
            return "(none)"; // an unset link: dangling, visibly
        }
        return relative(link.object(), target);
    }

    /**
     * Sets a property from a file's new content: JSON when it parses as JSON, else a string; one
     * trailing newline is dropped.
     *
     * @param path a file in the mount
     * @param content the new content
     */
    public void write(String path, byte[] content) {
        if (readOnly) {
            throw new FsException(Errno.EACCES, "mounted read-only", null);
        }
        if (!(lookup(path) instanceof File file)) {
            throw new FsException(Errno.EACCES, path + " is not a property file", null);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        JsonNode value;
        try {
            value = JsonCodec.parse(text);
        } catch (Exception notJson) {
            value = TextNode.valueOf(text);
        }
        try {
            qom.set(new QomPath(file.object(), file.property()), value);
        } catch (QmpCommandException e) {
            boolean notWritable = e.description().contains("not writable") || e.description().contains("read-only");
            throw new FsException(notWritable ? Errno.EACCES : Errno.EINVAL, e.getMessage(), e);
        } catch (QmpException e) {
            throw fail(e);
        } finally {
            values.remove(key(file.object(), file.property()));
        }
    }

    /**
     * @param object a link's object
     * @param target the absolute QOM path it points to
     * @return the target relative to the object's directory
     */
    static String relative(String object, String target) {
        String[] from = object.equals("/") ? new String[0] : object.substring(1).split("/");
        String[] to = target.equals("/") ? new String[0] : target.substring(1).split("/");
        int common = 0;
        while (common < from.length && common < to.length && from[common].equals(to[common])) {
            common++;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = common; i < from.length; i++) {
            sb.append("../");
        }
        for (int i = common; i < to.length; i++) {
            sb.append(to[i]).append(i < to.length - 1 ? "/" : "");
        }
        String r = sb.toString();
        return r.isEmpty() ? "." : r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
    }

    private List<Qom.Property> properties(String object) {
        Timed<List<Qom.Property>> cached = lists.get(object);
        if (fresh(cached)) {
            return cached.value();
        }
        List<Qom.Property> props;
        try {
            props = qom.list(object);
        } catch (QmpCommandException e) {
            throw new FsException(Errno.ENOENT, e.getMessage(), e);
        } catch (QmpException e) {
            throw fail(e);
        }
        lists.put(object, new Timed<>(props, System.nanoTime()));
        prefetch(object, props);
        return props;
    }

    /** Values of a directory's files, fetched together: `ls -l` and `find` then cost no call per file. */
    private void prefetch(String object, List<Qom.Property> props) {
        if (ttlNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        try {
            if (bulk) {
                JsonNode reply = qmp.execute("qom-list-get", Map.of("paths", List.of(object)));
                for (JsonNode p : reply.path(0).path("properties")) {
                    if (p.has("value") && !p.path("type").asText().startsWith("child<")) {
                        values.put(key(object, p.path("name").asText()), new Timed<>(content(p.get("value")), now));
                    }
                }
                return;
            }
            List<CompletableFuture<JsonNode>> gets = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Qom.Property p : props) {
                if (!p.isChild()) {
                    names.add(p.name());
                    gets.add(qmp.executeAsync("qom-get", Map.of("path", object, "property", p.name())));
                }
            }
            for (int i = 0; i < gets.size(); i++) {
                try {
                    values.put(key(object, names.get(i)), new Timed<>(content(gets.get(i).join()), now));
                } catch (CompletionException unreadable) {
                    // left to read(), which reports the error for that one file
                }
            }
        } catch (QmpCommandException e) {
            // a prefetch is an optimisation; single reads report errors
        }
    }

    private byte[] value(String object, String property) {
        String key = key(object, property);
        Timed<byte[]> cached = values.get(key);
        if (fresh(cached)) {
            return cached.value();
        }
        byte[] content;
        try {
            content = content(qom.get(new QomPath(object, property)));
        } catch (QmpCommandException e) {
            throw new FsException(Errno.EIO, e.getMessage(), e);
        } catch (QmpException e) {
            throw fail(e);
        }
        if (ttlNanos > 0) {
            values.put(key, new Timed<>(content, System.nanoTime()));
        }
        return content;
    }

    private static byte[] content(JsonNode value) {
        String text = value.isTextual() ? value.textValue() : JsonCodec.toString(value, false);
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private boolean fresh(Timed<?> t) {
        return t != null && ttlNanos > 0 && System.nanoTime() - t.at() < ttlNanos;
    }

    private static String key(String object, String property) {
        return object + "\u0000" + property;
    }

    private static FsException fail(QmpException e) {
        Errno errno = e instanceof QmpTimeoutException ? Errno.ETIMEDOUT : Errno.EIO;
        return new FsException(errno, e.getMessage() + (e instanceof QmpConnectionException ? " (connection lost)" : ""), e);
    }
}
