/* The start-up floor for bench/startup: the least a process can do to answer "qom-get /machine.type":
 * connect, negotiate, one command, print the reply line. No JSON parsing, no error handling. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
        return 2;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 3;
    }
    const char *req = "{\"execute\":\"qmp_capabilities\"}"
                      "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine\",\"property\":\"type\"}}";
    if (write(fd, req, strlen(req)) < 0) {
        return 3;
    }
    char buf[65536];
    size_t len = 0;
    int lines = 0;
    while (lines < 3 && len < sizeof buf) { /* greeting, caps reply, qom-get reply */
        ssize_t n = read(fd, buf + len, sizeof buf - len);
        if (n <= 0) {
            return 3;
        }
        for (ssize_t i = 0; i < n; i++) {
            if (buf[len + i] == '\n') {
                lines++;
            }
        }
        len += (size_t)n;
    }
    char *last = buf;
    for (char *p = buf; p < buf + len - 1; p++) {
        if (*p == '\n') {
            last = p + 1;
        }
    }
    fwrite(last, 1, (size_t)(buf + len - last), stdout);
    close(fd);
    return 0;
}
