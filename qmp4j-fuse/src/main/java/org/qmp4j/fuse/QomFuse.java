package org.qmp4j.fuse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The jnr-fuse binding: translates FUSE calls to {@link QomFileSystem} and its failures to errnos.
 * A write is applied with {@code qom-set} at once (values are small and come in one write), so a refused
 * value fails the write call itself.
 */
final class QomFuse extends FuseStubFS {
    private static final Logger LOG = LoggerFactory.getLogger(QomFuse.class);

    private final QomFileSystem fs;
    private final Map<String, byte[]> pending = new ConcurrentHashMap<>();

    QomFuse(QomFileSystem fs) {
        this.fs = fs;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return guard(path, () -> {
            QomFileSystem.Entry e = fs.lookup(path);
            if (e instanceof QomFileSystem.Dir) {
                stat.st_mode.set(FileStat.S_IFDIR | 0755);
                stat.st_nlink.set(2);
            } else if (e instanceof QomFileSystem.Link) {
                stat.st_mode.set(FileStat.S_IFLNK | 0777);
                stat.st_nlink.set(1);
                stat.st_size.set(fs.readlink(path).length());
            } else {
                stat.st_mode.set(FileStat.S_IFREG | (fs.readOnly() ? 0444 : 0644));
                stat.st_nlink.set(1);
                byte[] buffered = pending.get(path);
                long size;
                try {
                    size = buffered != null ? buffered.length : fs.read(path).length;
                } catch (QomFileSystem.FsException unreadable) {
                    if (unreadable.errno() == QomFileSystem.Errno.ENOENT) {
                        throw unreadable;
                    }
                    size = 0; // e.g. a write-only property: it exists, reading it reports the error
                }
                stat.st_size.set(size);
            }
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return guard(path, () -> {
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            for (String name : fs.list(path)) {
                filler.apply(buf, name, null, 0);
            }
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return guard(path, () -> {
            byte[] target = fs.readlink(path).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return guard(path, () -> {
            fs.lookup(path);
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard(path, () -> {
            byte[] content = fs.read(path);
            if (offset >= content.length) {
                return 0;
            }
            int n = (int) Math.min(size, content.length - offset);
            buf.put(0, content, (int) offset, n);
            return n;
        });
    }

    @Override
    public int truncate(String path, long size) {
        return guard(path, () -> {
            if (fs.readOnly()) {
                return -ErrorCodes.EACCES();
            }
            byte[] current = pending.computeIfAbsent(path, p -> fs.read(p));
            pending.put(path, Arrays.copyOf(current, (int) size));
            return 0;
        });
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard(path, () -> {
            if (fs.readOnly()) {
                return -ErrorCodes.EACCES();
            }
            byte[] current = pending.computeIfAbsent(path, p -> fs.read(p));
            byte[] next = Arrays.copyOf(current, (int) Math.max(current.length, offset + size));
            buf.get(0, next, (int) offset, (int) size);
            pending.put(path, next);
            // Set now, so a refused value fails write(2) itself: shells ignore errors from close(2).
            fs.write(path, next);
            return (int) size;
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        pending.remove(path); // every write was already applied
        return 0;
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return flush(path, fi);
    }

    private interface Op {
        int run();
    }

    private static int guard(String path, Op op) {
        try {
            return op.run();
        } catch (QomFileSystem.FsException e) {
            if (e.errno() != QomFileSystem.Errno.ENOENT) {
                LOG.warn("{}: {}", path, e.getMessage());
            }
            return -switch (e.errno()) {
                case ENOENT -> ErrorCodes.ENOENT();
                case EISDIR -> ErrorCodes.EISDIR();
                case EACCES -> ErrorCodes.EACCES();
                case EINVAL -> ErrorCodes.EINVAL();
                case ETIMEDOUT -> ErrorCodes.ETIMEDOUT();
                case EIO -> ErrorCodes.EIO();
            };
        } catch (RuntimeException e) {
            LOG.error("{}: {}", path, e.toString());
            return -ErrorCodes.EIO();
        }
    }
}
