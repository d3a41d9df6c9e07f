/* The floor for bench/peers/run: the least a client can do for each case, on the same socket I/O as
 * every client library. Writes pre-encoded commands (with ids) and counts reply lines (QEMU ends
 * every message with "\r\n"); parses no JSON. Prints one JSON line per measurement.
 *   qmpfloor seq ADDR SECONDS          sequential query-status round trips/s
 *   qmpfloor pipe ADDR SECONDS WINDOW  WINDOW commands in flight, commands/s
 *   qmpfloor events ADDR COUNT         events/s from the first to the COUNT-th event line */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fd;
static char buf[1 << 20];
static size_t pending; /* newlines already read but not yet consumed (bytes after the last counted line) */

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(3);
}

static void write_all(const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            die("write");
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Reads until n more line ends have arrived. Lines never straddle what the caller waits for in seq and
 * pipe (replies come only after commands), so a plain count is exact; surplus is carried over. */
static void read_lines(long n) {
    long seen = (long)pending;
    pending = 0;
    while (seen < n) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) {
            fprintf(stderr, "qmpfloor: connection closed\n");
            exit(3);
        }
        char *p = buf, *end = buf + r;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            seen++;
            p++;
        }
    }
    pending = (size_t)(seen - n);
}

static void connect_and_negotiate(const char *path) {
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        die("connect");
    }
    read_lines(1); /* greeting */
    /* oob on, as qmp4j and qemu.qmp negotiate, so QEMU's monitor works the same way for all */
    const char *caps = "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}\r\n";
    write_all(caps, strlen(caps));
}

static void print(const char *c, double value, const char *unit) {
    printf("{\"impl\":\"floor\",\"case\":\"%s\",\"value\":%.1f,\"unit\":\"%s\"}\n", c, value, unit);
}

/* commands with ids 0..window-1, pre-encoded into one buffer */
static char *encode(int window, size_t *len) {
    char *cmds = malloc((size_t)window * 64);
    size_t n = 0;
    for (int i = 0; i < window; i++) {
        n += (size_t)sprintf(cmds + n, "{\"execute\":\"query-status\",\"id\":%d}\r\n", i);
    }
    *len = n;
    return cmds;
}

static double run_window(double seconds, int window) {
    size_t len;
    char *cmds = encode(window, &len);
    for (int phase = 0; phase < 2; phase++) { /* 0: warm-up of seconds/4, not counted */
        double span = phase == 0 ? seconds / 4 : seconds;
        long done = 0;
        double start = now(), t = start;
        while (t - start < span) {
            write_all(cmds, len);
            read_lines(window);
            done += window;
            t = now();
        }
        if (phase == 1) {
            return done / (t - start);
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: qmpfloor seq ADDR SECONDS | pipe ADDR SECONDS WINDOW | events ADDR COUNT\n");
        return 2;
    }
    const char *mode = argv[1];
    connect_and_negotiate(argv[2]);
    if (strcmp(mode, "seq") == 0) {
        read_lines(1); /* negotiation reply */
        print("seq", run_window(atof(argv[3]), 1), "round trips/s");
    } else if (strcmp(mode, "pipe") == 0 && argc >= 5) {
        read_lines(1);
        print("pipe", run_window(atof(argv[3]), atoi(argv[4])), "commands/s");
    } else if (strcmp(mode, "events") == 0) {
        long count = atol(argv[3]);
        long seen = -1; /* the negotiation reply is the line before the first event (the greeting came alone) */
        double start = 0, end = 0;
        while (seen < count) {
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) {
                fprintf(stderr, "qmpfloor: connection closed after %ld events\n", seen);
                return 3;
            }
            char *p = buf, *e = buf + r;
            while (seen < count && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
                if (++seen == 1) {
                    start = now();
                }
                p++;
            }
        }
        end = now();
        print("events", (count - 1) / (end - start), "events/s");
    } else {
        fprintf(stderr, "qmpfloor: unknown mode %s\n", mode);
        return 2;
    }
    close(fd);
    return 0;
}
