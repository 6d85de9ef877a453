/* fsw_host: the C FSW on a POSIX host. `fsw_host --port PATH --config FSW.toml
 * [--resync-s S]`. Opens the serial device or pty at PATH (raw mode), pumps bytes
 * through fsw_receive until end of file, hang-up or SIGTERM/SIGINT; a candidate frame
 * left pending on a link quiet for --resync-s (default 0.5 s) is given up (ICD §2 rule 7).
 * Exit status: 0 on a clean end, 2 on a configuration error, 1 otherwise -- as
 * `python -m fsw_stub`. The link counters go to stderr at the end. */
#define _DEFAULT_SOURCE /* cfmakeraw */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config_text.h"
#include "fsw.h"

#define READ_SIZE 4096
#define MAX_CONFIG_BYTES 65536
#define POLL_MS 100

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int signum) {
    (void)signum;
    stop_requested = 1;
}

static fsw_t fsw; /* static: no heap */
static uint8_t out[(READ_SIZE / ICD_PING_FRAME_LEN + 1) * FSW_MAX_ANSWER_LEN];
static char config_text[MAX_CONFIG_BYTES];

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int load_config(const char *path, fsw_config_t *cfg) {
    FILE *fh = fopen(path, "rb");
    if (fh == NULL) {
        fprintf(stderr, "fsw_host: %s: <file>: expected a readable TOML file, found %s\n", path,
                strerror(errno));
        return -1;
    }
    size_t n = fread(config_text, 1, sizeof config_text - 1, fh);
    fclose(fh);
    char err[512];
    if (fsw_config_parse(config_text, n, path, cfg, err, sizeof err) != 0) {
        fprintf(stderr, "fsw_host: %s\n", err);
        return -1;
    }
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: fsw_host --port PATH --config FSW.toml [--resync-s S]\n");
}

int main(int argc, char **argv) {
    const char *port = NULL, *config = NULL;
    double resync_s = 0.5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = argv[++i];
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (strcmp(argv[i], "--resync-s") == 0 && i + 1 < argc) {
            resync_s = strtod(argv[++i], NULL);
        } else {
            usage();
            return 2;
        }
    }
    if (port == NULL || config == NULL) {
        usage();
        return 2;
    }
    fsw_config_t cfg;
    if (load_config(config, &cfg) != 0) return 2;
    if (fsw_init(&fsw, &cfg) != 0) {
        fprintf(stderr, "fsw_host: %s: gates.rebaseline_n: expected at most %d (this build)\n",
                config, LRF_WINDOW_CAP);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    int fd = open(port, O_RDWR | O_NOCTTY);
    if (fd < 0) {
        fprintf(stderr, "fsw_host: cannot open %s: %s\n", port, strerror(errno));
        return 1;
    }
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(fd, TCSANOW, &tio);
    }
    uint8_t in[READ_SIZE];
    double quiet_since = now_s();
    int status = 0;
    while (!stop_requested) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int ready = poll(&pfd, 1, POLL_MS);
        if (ready < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "fsw_host: poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        size_t n_out = 0;
        if (ready > 0 && (pfd.revents & POLLIN)) {
            ssize_t n = read(fd, in, sizeof in);
            if (n == 0 || (n < 0 && errno == EIO)) break; /* hang-up: the harness closed */
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                fprintf(stderr, "fsw_host: read: %s\n", strerror(errno));
                status = 1;
                break;
            }
            quiet_since = now_s();
            n_out = fsw_receive(&fsw, in, (size_t)n, out, sizeof out);
        } else if (ready > 0 && (pfd.revents & (POLLHUP | POLLERR))) {
            break;
        } else if (dfr_pending(&fsw.dfr) > 0 && now_s() - quiet_since > resync_s) {
            quiet_since = now_s();
            n_out = fsw_resync(&fsw, out, sizeof out);
        }
        if (n_out > 0 && write_all(fd, out, n_out) != 0) break;
    }
    close(fd);
    const dfr_stats_t *st = &fsw.dfr.stats;
    fprintf(stderr,
            "fsw_host: link closed; frames %llu, crc errors %llu, skipped bytes %llu, "
            "rejected %llu, control cycles %llu\n",
            (unsigned long long)st->frames, (unsigned long long)st->crc_errors,
            (unsigned long long)st->skipped_bytes,
            (unsigned long long)(st->rejected_header + st->rejected_range),
            (unsigned long long)fsw.cycles);
    return status;
}
