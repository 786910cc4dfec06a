#!/usr/bin/env bash
# private-root.sh PKGROOT DIR LOG CMD...: runs CMD (a server, in the foreground) in a private mount namespace where
#   /usr is a read-only overlay of PKGROOT/usr (Debian packages unpacked with dpkg-deb -x, never installed) on
#       the real /usr, so the servers run from the paths they were built for (/usr/lib/courier-authlib,
#       /usr/lib/cyrus/bin, ...) beside the installed dovecot whose packages they conflict with,
#   /dev/log is a syslog socket whose messages go to the file LOG (Cyrus and Courier log only to syslog, and
#       this machine runs no syslog daemon),
#   /etc and /run are copy-on-write overlays (upper layers under DIR/ns), so a server whose paths are compiled
#       in (Courier's /etc/courier/authdaemonrc, /etc/courier/userdb.dat, /run/courier/...) finds its
#       private files there without touching the real /etc or /run: files under DIR/etc and DIR/run are
#       copied into the namespace's /etc and /run before CMD starts.
# The real system sees none of it; everything vanishes with the namespace. Start it with setsid and stop it
# with SIGTERM to its process group: that reaches CMD, its children and the syslog listener.
set -eu
pkgroot="$1" dir="$2" log="$3"
shift 3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec unshare -m --propagation private bash -c '
    set -eu
    pkgroot="$1" dir="$2" log="$3" here="$4"
    shift 4
    mount -t overlay ns-usr -o "lowerdir=$pkgroot/usr:/usr" /usr
    for t in dev etc run; do
        mkdir -p "$dir/ns/$t-up" "$dir/ns/$t-work"
        mount -t overlay "ns-$t" -o "lowerdir=/$t,upperdir=$dir/ns/$t-up,workdir=$dir/ns/$t-work" "/$t"
    done
    [ -d "$dir/etc" ] && cp -a "$dir/etc/." /etc/
    [ -d "$dir/run" ] && cp -a "$dir/run/." /run/
    ldconfig    # the unpacked libraries join the (private) /etc/ld.so.cache
    "${PYTHON:-python3}" "$here/syslogsink.py" /dev/log "$log" &
    sink=$!
    trap "kill $sink 2>/dev/null" EXIT
    for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.05; done
    "$@" &
    srv=$!
    trap "kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null; kill $sink 2>/dev/null; exit 0" TERM INT
    wait $srv || true
    kill $sink 2>/dev/null || true
' private-root "$pkgroot" "$dir" "$log" "$here" "$@"
