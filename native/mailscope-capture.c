/*
 * mailscope-capture: the only part of mailscope that ever holds a capture privilege (the role of Wireshark's
 * dumpcap). It opens one interface with libpcap, applies the filter, then gives up every capability and
 * privilege before it reads a single packet, and streams what it captures as pcapng to standard output, where
 * mailscope reads it with the same reader as a capture file. It also lists interfaces.
 *
 * What it deliberately does not do: run a shell or another program, write any file (only standard output and
 * one line on standard error), or let the environment change what it does (it is cleared first thing; the
 * dynamic loader already ignores LD_* for a binary with file capabilities). Every argument is validated before
 * libpcap sees it. See native/README.md for the arguments, output and exit codes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef MAILSCOPE_VERSION
#define MAILSCOPE_VERSION "dev"
#endif

/* Exit codes: a contract with mailscope (HelperExit.java) and documented in native/README.md. */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 2,
    EXIT_NO_SUCH_DEVICE = 3,
    EXIT_PERMISSION = 4,
    EXIT_BAD_FILTER = 5,
    EXIT_CAPTURE_FAILED = 6,
    EXIT_PRIVILEGE_DROP = 7,
    EXIT_OUTPUT_FAILED = 8
};

/* Limits on arguments. Linux interface names are at most 15 bytes; libpcap's pseudo-devices
 * ("bluetooth-monitor", "dbus-session") are a little longer. */
#define MAX_ARGS 16
#define MAX_IFACE 64
#define MAX_FILTER 4096
#define MAX_SNAPLEN 262144
#define MAX_BUFFER_MIB 4096
#define READ_TIMEOUT_MS 200
/* The user id a capture run by root switches to once the interface is open (nobody/nogroup on Debian). */
#define NOBODY_ID 65534

struct options {
    const char *iface;
    const char *filter;
    int snaplen;
    int buffer_mib;
    int immediate;
    int promiscuous;
    int list;
    int version;
    int help;
};

static pcap_t *handle;
static volatile sig_atomic_t stop_requested;

static void fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* One line on standard error, then exit. Every failure goes through here. */
static void fail(int code, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* A message may quote libpcap, which may quote the kernel: keep it one printable line. */
    for (char *p = line; *p; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
            *p = ' ';
        }
    }
    fprintf(stderr, "mailscope-capture: %s\n", line);
    exit(code);
}

static const char USAGE[] =
    "usage: mailscope-capture -i IFACE [-f FILTER] [-s SNAPLEN] [-B MIB] [--no-immediate] [--promiscuous]\n"
    "       mailscope-capture -D | --version | --help\n"
    "Captures on IFACE and writes pcapng to standard output until SIGTERM, SIGINT or a closed pipe;\n"
    "-D lists interfaces (name, flags, description, addresses; tab-separated). See mailscope(1).\n";

/* ---- process hygiene ---- */

/* Makes sure 0, 1 and 2 are open (so no file we open could become "standard output"), closes every other
 * inherited descriptor, and forgets the environment. */
static void sanitize_process(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (null != fd) {
                _exit(EXIT_CAPTURE_FAILED);
            }
        }
    }
#ifdef SYS_close_range
    syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
    if (clearenv() != 0) {
        fail(EXIT_CAPTURE_FAILED, "cannot clear the environment");
    }
}

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (handle != NULL) {
        pcap_breakloop(handle); /* libpcap 1.10 wakes a blocked poll through an eventfd: async-signal-safe */
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocked read or write returns EINTR and the loop looks at stop_requested. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A reader that goes away is a normal end: write() then fails with EPIPE, which ends the capture. */
    signal(SIGPIPE, SIG_IGN);
}

/* ---- arguments ---- */

static int valid_iface(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_IFACE || s[0] == '-') {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_' || c == '.' || c == ':' || c == '@' || c == '+';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

static int valid_filter(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_FILTER) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e) {
            return 0;
        }
    }
    return 1;
}

/* A decimal number in [min, max], digits only (no sign, no spaces, no hex). */
static int parse_number(const char *name, const char *s, long min, long max)
{
    size_t n = strlen(s);
    if (n == 0 || n > 9) {
        fail(EXIT_USAGE, "%s must be a number from %ld to %ld", name, min, max);
    }
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            fail(EXIT_USAGE, "%s must be a number from %ld to %ld", name, min, max);
        }
        v = v * 10 + (s[i] - '0');
    }
    if (v < min || v > max) {
        fail(EXIT_USAGE, "%s must be a number from %ld to %ld", name, min, max);
    }
    return (int)v;
}

static const char *take_value(int argc, char **argv, int *i, const char *seen)
{
    const char *opt = argv[*i];
    if (seen != NULL) {
        fail(EXIT_USAGE, "option %.20s given twice", opt);
    }
    if (*i + 1 >= argc) {
        fail(EXIT_USAGE, "option %.20s needs a value", opt);
    }
    *i += 1;
    return argv[*i];
}

static int is(const char *arg, const char *shortname, const char *longname)
{
    return (shortname != NULL && strcmp(arg, shortname) == 0) || strcmp(arg, longname) == 0;
}

/* Parses our own small grammar rather than with getopt, which takes hints from the environment
 * (POSIXLY_CORRECT) and permutes arguments. Values are separate arguments: "-i lo", never "-ilo". */
static struct options parse_args(int argc, char **argv)
{
    struct options o = {NULL, NULL, MAX_SNAPLEN, 32, 1, 0, 0, 0, 0};
    const char *snaplen = NULL;
    const char *buffer = NULL;
    int immediate_seen = 0;
    int promiscuous_seen = 0;
    if (argc > MAX_ARGS) {
        fail(EXIT_USAGE, "too many arguments (%d; at most %d)", argc - 1, MAX_ARGS - 1);
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strlen(a) > MAX_FILTER) {
            fail(EXIT_USAGE, "argument %d is longer than %d bytes", i, MAX_FILTER);
        }
        if (is(a, "-i", "--interface")) {
            o.iface = take_value(argc, argv, &i, o.iface);
            if (!valid_iface(o.iface)) {
                fail(EXIT_USAGE, "bad interface name: 1 to %d letters, digits or - _ . : @ +, not starting with -",
                     MAX_IFACE);
            }
        } else if (is(a, "-f", "--filter")) {
            o.filter = take_value(argc, argv, &i, o.filter);
            if (!valid_filter(o.filter)) {
                fail(EXIT_USAGE, "bad filter: 1 to %d printable ASCII characters", MAX_FILTER);
            }
        } else if (is(a, "-s", "--snaplen")) {
            snaplen = take_value(argc, argv, &i, snaplen);
            o.snaplen = parse_number("snaplen", snaplen, 64, MAX_SNAPLEN);
        } else if (is(a, "-B", "--buffer-size")) {
            buffer = take_value(argc, argv, &i, buffer);
            o.buffer_mib = parse_number("buffer size (MiB)", buffer, 1, MAX_BUFFER_MIB);
        } else if (is(a, NULL, "--no-immediate")) {
            if (immediate_seen++) {
                fail(EXIT_USAGE, "option --no-immediate given twice");
            }
            o.immediate = 0;
        } else if (is(a, NULL, "--promiscuous")) {
            if (promiscuous_seen++) {
                fail(EXIT_USAGE, "option --promiscuous given twice");
            }
            o.promiscuous = 1;
        } else if (is(a, "-D", "--list-interfaces")) {
            o.list = 1;
        } else if (is(a, "-v", "--version")) {
            o.version = 1;
        } else if (is(a, "-h", "--help")) {
            o.help = 1;
        } else if (a[0] == '-') {
            fail(EXIT_USAGE, "unknown option (see --help)");
        } else {
            fail(EXIT_USAGE, "unexpected argument %d: this program takes options only (see --help)", i);
        }
    }
    int modes = (o.list != 0) + (o.version != 0) + (o.help != 0) + (o.iface != NULL);
    if (modes == 0) {
        fail(EXIT_USAGE, "nothing to do: give -i IFACE to capture, or -D to list interfaces (see --help)");
    }
    if (modes > 1) {
        fail(EXIT_USAGE, "-i, -D, --version and --help do not go together");
    }
    if (o.iface == NULL && (o.filter || snaplen || buffer || immediate_seen || promiscuous_seen)) {
        fail(EXIT_USAGE, "capture options need -i IFACE");
    }
    return o;
}

/* ---- privileges ---- */

static int capset_all(uint32_t value)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        data[i].effective = value;
        data[i].permitted = value;
        data[i].inheritable = value;
    }
    return (int)syscall(SYS_capset, &header, data);
}

static int holds_any_capability(void)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &header, data) != 0) {
        return 1;
    }
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (data[i].effective || data[i].permitted || data[i].inheritable) {
            return 1;
        }
    }
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 1
        || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_ADMIN, 0, 0) == 1;
}

/*
 * Gives up everything: called once the interface is open (the open socket keeps working without privilege,
 * including pcap_stats), and before anything else when only listing. Afterwards the process holds no
 * capability in any set, cannot regain one (no-new-privs: an exec of a setuid or file-capability program
 * would not grant it), and may not be ptraced or have its descriptors opened by other processes of the
 * same user (not dumpable): the capture socket must not be borrowed.
 */
static void drop_privileges(void)
{
    int was_root = getuid() == 0 || geteuid() == 0;
    /* Dropping from the bounding set needs CAP_SETPCAP, which only root has here; harmless to try. */
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
        prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    }
    if (was_root) {
        /* uid 0 without capabilities still owns root's files: become nobody. */
        if (setgroups(0, NULL) != 0 || setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) != 0
            || setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID) != 0) {
            fail(EXIT_PRIVILEGE_DROP, "cannot switch from root to user %d: %s", NOBODY_ID, strerror(errno));
        }
    } else {
        /* Undo a set-user-id or set-group-id install, should someone have made one. */
        gid_t g = getgid();
        uid_t u = getuid();
        if (setresgid(g, g, g) != 0 || setresuid(u, u, u) != 0) {
            fail(EXIT_PRIVILEGE_DROP, "cannot reset user and group ids: %s", strerror(errno));
        }
    }
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0
        || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0
        || capset_all(0) != 0
        || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        fail(EXIT_PRIVILEGE_DROP, "cannot drop capabilities: %s", strerror(errno));
    }
    if (holds_any_capability() || (was_root && (getuid() == 0 || geteuid() == 0))) {
        fail(EXIT_PRIVILEGE_DROP, "capabilities are still held after dropping them");
    }
}

/* ---- listing ---- */

static void print_clean(const char *s)
{
    for (; s != NULL && *s; s++) {
        unsigned char c = (unsigned char)*s;
        putchar(c < 0x20 || c == 0x7f ? '?' : c);
    }
}

static int prefix_length(const struct sockaddr *mask)
{
    const unsigned char *b;
    size_t n;
    if (mask == NULL) {
        return -1;
    }
    if (mask->sa_family == AF_INET) {
        b = (const unsigned char *)&((const struct sockaddr_in *)(const void *)mask)->sin_addr;
        n = 4;
    } else if (mask->sa_family == AF_INET6) {
        b = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr;
        n = 16;
    } else {
        return -1;
    }
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        for (int k = 7; k >= 0; k--) {
            if (b[i] & (1u << k)) {
                bits++;
            } else {
                return bits;
            }
        }
    }
    return bits;
}

/* One line per interface: name TAB flags TAB description TAB addresses (space-separated, addr/prefix). */
static int list_interfaces(void)
{
    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all = NULL;
    if (pcap_findalldevs(&all, err) != 0) {
        fail(EXIT_CAPTURE_FAILED, "cannot list interfaces: %s", err);
    }
    for (pcap_if_t *d = all; d != NULL; d = d->next) {
        print_clean(d->name);
        putchar('\t');
        printf("%s%s%s", (d->flags & PCAP_IF_UP) ? "up" : "down", (d->flags & PCAP_IF_RUNNING) ? ",running" : "",
               (d->flags & PCAP_IF_LOOPBACK) ? ",loopback" : "");
        putchar('\t');
        print_clean(d->description);
        putchar('\t');
        int first = 1;
        for (pcap_addr_t *a = d->addresses; a != NULL; a = a->next) {
            char text[INET6_ADDRSTRLEN];
            const void *raw;
            if (a->addr == NULL) {
                continue;
            }
            if (a->addr->sa_family == AF_INET) {
                raw = &((const struct sockaddr_in *)(const void *)a->addr)->sin_addr;
            } else if (a->addr->sa_family == AF_INET6) {
                raw = &((const struct sockaddr_in6 *)(const void *)a->addr)->sin6_addr;
            } else {
                continue;
            }
            if (inet_ntop(a->addr->sa_family, raw, text, sizeof text) == NULL) {
                continue;
            }
            printf(first ? "%s" : " %s", text);
            int prefix = prefix_length(a->netmask);
            if (prefix >= 0) {
                printf("/%d", prefix);
            }
            first = 0;
        }
        putchar('\n');
    }
    pcap_freealldevs(all);
    if (fflush(stdout) != 0 && errno != EPIPE) {
        fail(EXIT_OUTPUT_FAILED, "cannot write to standard output: %s", strerror(errno));
    }
    return EXIT_OK;
}

/* ---- pcapng output (host byte order, as the format allows; readers follow the section's byte-order magic) ---- */

#define OUT_SIZE (1u << 20)
static unsigned char out[OUT_SIZE];
static size_t out_len;
static int output_closed;
static uint64_t delivered;

static void flush_out(void)
{
    size_t done = 0;
    while (done < out_len && !output_closed) {
        ssize_t n = write(STDOUT_FILENO, out + done, out_len - done);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue; /* a stop signal: finish writing what we have, the loop then ends */
        } else if (n < 0 && errno == EPIPE) {
            output_closed = 1; /* the reader went away: a normal end */
        } else {
            fail(EXIT_OUTPUT_FAILED, "cannot write to standard output: %s", n < 0 ? strerror(errno) : "no progress");
        }
    }
    out_len = 0;
}

static void reserve(size_t n)
{
    if (out_len + n > OUT_SIZE) {
        flush_out();
    }
}

static void put(const void *p, size_t n)
{
    memcpy(out + out_len, p, n);
    out_len += n;
}

static void put_u16(uint16_t v) { put(&v, 2); }
static void put_u32(uint32_t v) { put(&v, 4); }
static void put_u64(uint64_t v) { put(&v, 8); }

static void put_padding(size_t n)
{
    static const unsigned char zeros[4];
    put(zeros, (4 - n % 4) % 4);
}

static size_t padded(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static size_t option_size(size_t value_length)
{
    return 4 + padded(value_length);
}

static void put_option(uint16_t code, const void *value, size_t length)
{
    put_u16(code);
    put_u16((uint16_t)length);
    put(value, length);
    put_padding(length);
}

static void put_timestamp(uint64_t ticks)
{
    put_u32((uint32_t)(ticks >> 32));
    put_u32((uint32_t)ticks);
}

static const char USER_APPLICATION[] = "mailscope-capture " MAILSCOPE_VERSION;

static void write_section_header(void)
{
    size_t length = 28 + option_size(strlen(USER_APPLICATION)) + 4;
    reserve(length);
    put_u32(0x0A0D0D0A);
    put_u32((uint32_t)length);
    put_u32(0x1A2B3C4D);
    put_u16(1);
    put_u16(0);
    put_u64(UINT64_MAX); /* section length unknown: it is a stream */
    put_option(4, USER_APPLICATION, strlen(USER_APPLICATION)); /* shb_userappl */
    put_u32(0); /* opt_endofopt */
    put_u32((uint32_t)length);
}

static void write_interface_description(const char *iface, int linktype, int snaplen, int nanos, const char *filter)
{
    unsigned char tsresol = nanos ? 9 : 6;
    size_t filter_length = filter ? 1 + strlen(filter) : 0;
    size_t length = 20 + option_size(strlen(iface)) + option_size(1) + (filter ? option_size(filter_length) : 0) + 4;
    reserve(length);
    put_u32(1);
    put_u32((uint32_t)length);
    put_u16((uint16_t)linktype);
    put_u16(0);
    put_u32((uint32_t)snaplen);
    put_option(2, iface, strlen(iface)); /* if_name */
    put_option(9, &tsresol, 1);          /* if_tsresol: 10^-9 or 10^-6 */
    if (filter) {
        /* if_filter: a first byte of 0 says "libpcap filter string" */
        put_u16(11);
        put_u16((uint16_t)filter_length);
        unsigned char kind = 0;
        put(&kind, 1);
        put(filter, filter_length - 1);
        put_padding(filter_length);
    }
    put_u32(0);
    put_u32((uint32_t)length);
}

static int ts_nanos;

static uint64_t ticks_of(const struct timeval *tv)
{
    /* With nanosecond precision libpcap puts nanoseconds in tv_usec. */
    return (uint64_t)tv->tv_sec * (ts_nanos ? 1000000000u : 1000000u) + (uint64_t)tv->tv_usec;
}

static uint64_t now_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * (ts_nanos ? 1000000000u : 1000000u)
        + (uint64_t)(ts_nanos ? ts.tv_nsec : ts.tv_nsec / 1000);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    (void)user;
    if (output_closed) {
        return;
    }
    size_t caplen = h->caplen;
    size_t length = 32 + padded(caplen);
    reserve(length);
    put_u32(6);
    put_u32((uint32_t)length);
    put_u32(0);
    put_timestamp(ticks_of(&h->ts));
    put_u32((uint32_t)caplen);
    put_u32(h->len);
    put(bytes, caplen);
    put_padding(caplen);
    put_u32((uint32_t)length);
    delivered++;
}

/* isb_ifrecv = libpcap's ps_recv, isb_osdrop = ps_drop (the kernel's buffer was full), isb_ifdrop = ps_ifdrop,
 * isb_usrdeliv = packets written to standard output. */
static void write_interface_statistics(uint64_t start, uint64_t end, const struct pcap_stat *s)
{
    size_t length = 24 + 6 * option_size(8) + 4;
    reserve(length);
    put_u32(5);
    put_u32((uint32_t)length);
    put_u32(0);
    put_timestamp(end);
    put_u16(2); put_u16(8); put_timestamp(start); /* isb_starttime */
    put_u16(3); put_u16(8); put_timestamp(end);   /* isb_endtime */
    put_u16(4); put_u16(8); put_u64(s->ps_recv);  /* isb_ifrecv */
    put_u16(5); put_u16(8); put_u64(s->ps_ifdrop);/* isb_ifdrop */
    put_u16(7); put_u16(8); put_u64(s->ps_drop);  /* isb_osdrop */
    put_u16(8); put_u16(8); put_u64(delivered);   /* isb_usrdeliv */
    put_u32(0);
    put_u32((uint32_t)length);
}

/* ---- capture ---- */

static int exit_code_for(int status)
{
    switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        return EXIT_NO_SUCH_DEVICE;
    case PCAP_ERROR_PERM_DENIED:
#ifdef PCAP_ERROR_PROMISC_PERM_DENIED
    case PCAP_ERROR_PROMISC_PERM_DENIED:
#endif
        return EXIT_PERMISSION;
    default:
        return EXIT_CAPTURE_FAILED;
    }
}

static void open_interface(const struct options *o)
{
    char err[PCAP_ERRBUF_SIZE] = "";
    handle = pcap_create(o->iface, err);
    if (handle == NULL) {
        fail(EXIT_CAPTURE_FAILED, "cannot capture on %s: %s", o->iface, err);
    }
    pcap_set_snaplen(handle, o->snaplen);
    pcap_set_promisc(handle, o->promiscuous);
    pcap_set_timeout(handle, READ_TIMEOUT_MS);
    pcap_set_buffer_size(handle, o->buffer_mib * 1024 * 1024);
    pcap_set_immediate_mode(handle, o->immediate);
    ts_nanos = pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO) == 0;
    int status = pcap_activate(handle);
    if (status < 0) {
        const char *why = pcap_geterr(handle);
        if (why == NULL || why[0] == '\0') {
            why = pcap_statustostr(status);
        }
        switch (exit_code_for(status)) {
        case EXIT_NO_SUCH_DEVICE:
            fail(EXIT_NO_SUCH_DEVICE, "no such interface: %s (%s)", o->iface, why);
        case EXIT_PERMISSION:
            fail(EXIT_PERMISSION, "no permission to capture on %s (%s)", o->iface, why);
        default:
            fail(EXIT_CAPTURE_FAILED, "cannot capture on %s: %s", o->iface, why);
        }
    }
    ts_nanos = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO;
    if (o->filter != NULL) {
        struct bpf_program program;
        if (pcap_compile(handle, &program, o->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            fail(EXIT_BAD_FILTER, "bad filter: %s", pcap_geterr(handle));
        }
        if (pcap_setfilter(handle, &program) != 0) {
            fail(EXIT_CAPTURE_FAILED, "cannot apply the filter on %s: %s", o->iface, pcap_geterr(handle));
        }
        pcap_freecode(&program);
    }
}

static int capture(const struct options *o)
{
    open_interface(o);
    drop_privileges();
    uint64_t start = now_ticks();
    write_section_header();
    write_interface_description(o->iface, pcap_datalink(handle), pcap_snapshot(handle), ts_nanos, o->filter);
    flush_out(); /* the header is the "ready" signal: mailscope reports that it is listening once it has it */
    int failed = 0;
    char failure[PCAP_ERRBUF_SIZE] = "";
    char err[PCAP_ERRBUF_SIZE] = "";
    /* Poll the capture socket and standard output together: a reader that goes away shows as POLLERR on
     * the pipe at once, even when no packet arrives that we could fail to write. The timeout bounds how long
     * a stop signal that lands just before poll() can go unnoticed. */
    if (pcap_setnonblock(handle, 1, err) != 0) {
        fail(EXIT_CAPTURE_FAILED, "cannot capture on %s: %s", o->iface, err);
    }
    int fd = pcap_get_selectable_fd(handle);
    while (!stop_requested && !output_closed) {
        struct pollfd watch[2] = {{fd, POLLIN, 0}, {STDOUT_FILENO, 0, 0}};
        int ready = poll(watch, 2, READ_TIMEOUT_MS);
        if (ready < 0 && errno != EINTR) {
            failed = 1;
            snprintf(failure, sizeof failure, "poll: %s", strerror(errno));
            break;
        }
        if (ready > 0 && (watch[1].revents & (POLLERR | POLLHUP | POLLNVAL))) {
            output_closed = 1;
            break;
        }
        int n = pcap_dispatch(handle, -1, on_packet, NULL);
        if (n == PCAP_ERROR) {
            failed = 1;
            snprintf(failure, sizeof failure, "%s", pcap_geterr(handle));
            break;
        }
        flush_out();
    }
    if (output_closed) {
        return EXIT_OK;
    }
    struct pcap_stat stats;
    memset(&stats, 0, sizeof stats);
    if (pcap_stats(handle, &stats) == 0) {
        write_interface_statistics(start, now_ticks(), &stats);
        flush_out();
    }
    pcap_close(handle);
    handle = NULL;
    if (failed) {
        fail(EXIT_CAPTURE_FAILED, "capture on %s failed: %s", o->iface, failure);
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    sanitize_process();
    install_signals();
    struct options o = parse_args(argc, argv);
    if (o.help) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (o.version) {
        printf("mailscope-capture %s (%s)\n", MAILSCOPE_VERSION, pcap_lib_version());
        return EXIT_OK;
    }
    if (o.list) {
        drop_privileges(); /* listing needs no privilege at all */
        return list_interfaces();
    }
    return capture(&o);
}
