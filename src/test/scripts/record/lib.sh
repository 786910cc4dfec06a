# Shared helpers for the capture recipes: private dovecot instances, certificates, tcpdump.
# Sourced by record-all.sh. Every process it starts is listed in $WORK/pids (dovecot instances live under
# $WORK/dovecot-*) and stopped by cleanup_all (an EXIT trap), so an interrupted run leaves nothing behind.

RECORD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$RECORD_DIR/../../../.." && pwd)"
CAPTURES="${CAPTURES:-$REPO_DIR/src/test/resources/captures}"
PY="${PYTHON:-python3}"
IMAP_PORT=10143
IMAPS_PORT=10993

log() { printf '[record %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

register_pid() { echo "$1" >> "$WORK/pids"; }

cleanup_all() {
    local pid
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        if kill -0 "$pid" 2>/dev/null; then
            kill -INT "$pid" 2>/dev/null
            sleep 0.3
            kill "$pid" 2>/dev/null
        fi
    done
    local conf
    for conf in "$WORK"/dovecot-*/dovecot.conf; do
        [ -f "$conf" ] || continue
        local master
        master="$(cat "$(dirname "$conf")/run/master.pid" 2>/dev/null)"
        if [ -n "$master" ] && kill -0 "$master" 2>/dev/null; then
            kill "$master" 2>/dev/null
        fi
    done
    for ns in $(cat "$WORK/netns" 2>/dev/null); do
        ip netns del "$ns" 2>/dev/null
    done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}

setup_work() {
    WORK="$(mktemp -d /tmp/mailscope-record.XXXXXX)"
    chmod 755 "$WORK"
    log "work dir $WORK"
}

# ---------------------------------------------------------------- certificates
# A lab CA signs mail.example.test (good), other.example.test (name mismatch) and an expired
# mail.example.test (valid 2020-01-01 .. 2020-01-31). OTHER_CA is an unrelated self-signed CA the
# "certificate rejected" client trusts instead.
make_certs() {
    local C="$WORK/certs"
    [ -f "$C/server.pem" ] && return 0
    mkdir -p "$C/db" && cd "$C" || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Mailscope Lab CA" \
        -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Some Other CA" \
        -keyout other-ca.key -out other-ca.pem 2>/dev/null
    : > db/index.txt
    echo 1000 > db/serial
    cat > ca.cnf <<EOF
[ ca ]
default_ca = lab
[ lab ]
dir = $C/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $C/ca.pem
private_key = $C/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
commonName = supplied
EOF
    local name cn start end
    for spec in "server mail.example.test 20250101000000Z 20350101000000Z" \
                "other other.example.test 20250101000000Z 20350101000000Z" \
                "expired mail.example.test 20200101000000Z 20200131000000Z"; do
        set -- $spec
        name=$1 cn=$2 start=$3 end=$4
        openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$cn" -addext "subjectAltName=DNS:$cn" \
            -keyout "$name.key" -out "$name.csr" 2>/dev/null
        openssl ca -batch -config ca.cnf -notext -startdate "$start" -enddate "$end" \
            -in "$name.csr" -out "$name.pem" 2>/dev/null || { log "openssl ca failed for $name"; return 1; }
    done
    cd - >/dev/null
}

# ---------------------------------------------------------------- dovecot
# dovecot_start NAME [EXTRA_CONFIG_LINES]
# A private dovecot: user alice/secret, maildir under the instance dir, listening on 127.0.0.1
# (plus any extra config given, which may override listeners and ssl settings).
dovecot_start() {
    local name="$1" extra="${2:-}"
    local D="$WORK/dovecot-$name"
    mkdir -p "$D/run" "$D/mail"
    chmod 755 "$D"
    make_certs || return 1
    echo "alice:{PLAIN}secret:1000:1000::$D/mail/alice" > "$D/passwd"
    mkdir -p "$D/mail/alice/Maildir"
    chown -R 1000:1000 "$D/mail"
    cat > "$D/dovecot.conf" <<EOF
base_dir = $D/run
log_path = $D/dovecot.log
info_log_path = $D/dovecot.log
protocols = imap
listen = ${LISTEN:-127.0.0.1}
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1000
auth_mechanisms = plain login
disable_plaintext_auth = yes
ssl = ${SSL:-yes}
ssl_cert = <$WORK/certs/server.pem
ssl_key = <$WORK/certs/server.key
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $D/passwd
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
$( [ -n "${NO_IMAPS:-}" ] || printf '  inet_listener imaps {\n    port = %s\n    ssl = yes\n  }\n' "$IMAPS_PORT")
}
$extra
EOF
    dovecot -c "$D/dovecot.conf" || { log "dovecot $name failed to start"; cat "$D/dovecot.log" >&2; return 1; }
    local i
    for i in $(seq 50); do
        [ -s "$D/run/master.pid" ] && ss -ltn | grep -q ":$IMAP_PORT " && break
        sleep 0.1
    done
    DOVECOT_CONF="$D/dovecot.conf"
    log "dovecot $name up (pid $(cat "$D/run/master.pid"))"
}

dovecot_stop() {
    local name="$1"
    local D="$WORK/dovecot-$name"
    local master
    master="$(cat "$D/run/master.pid" 2>/dev/null)"
    [ -n "$master" ] || return 0
    doveadm -c "$D/dovecot.conf" stop 2>/dev/null || kill "$master" 2>/dev/null
    local i
    for i in $(seq 50); do
        kill -0 "$master" 2>/dev/null || break
        sleep 0.1
    done
    log "dovecot $name stopped"
}

# ---------------------------------------------------------------- tcpdump
# capture_start FILE FILTER [tcpdump options...]  -> sets CAP_PID
capture_start() {
    local file="$1" filter="$2"
    shift 2
    local err="$WORK/tcpdump.$(basename "$file").err"
    CAP_ERR="$err"
    CAP_FILE="$file"
    rm -f "$file"
    ${NSEXEC:-} tcpdump -i "${CAP_IF:-lo}" --immediate-mode -U -Z root -w "$file" "$@" "$filter" 2>"$err" &
    CAP_PID=$!
    register_pid "$CAP_PID"
    local i
    for i in $(seq 50); do
        grep -qs "listening on" "$err" && break
        sleep 0.1
    done
    sleep 0.3
}

capture_stop() {
    local pid="${1:-$CAP_PID}" err="${2:-$CAP_ERR}"
    sleep 1
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # tcpdump occasionally stops with the last packets still in libpcap's ring buffer: a story that ends
    # its connection must show a FIN or RST, else it is recorded again. (Its "received by filter" counter
    # proved useless for this check: on a busy loopback it counts far more than the filter passes.)
    if [ -z "${CAP_NO_END:-}" ] && [ -n "${CAP_FILE:-}" ] && [ -f "$CAP_FILE" ]; then
        local ends
        ends="$(tshark -r "$CAP_FILE" -Y 'tcp.flags.fin == 1 || tcp.flags.reset == 1' 2>/dev/null | wc -l)"
        if [ "$ends" -eq 0 ]; then
            log "capture shows no FIN or RST: packets lost at the end"
            CAPTURE_INCOMPLETE=1
        fi
    fi
    # -i any on loopback also drops segments mid-stream now and then: let Wireshark's TCP analysis say so
    local lost
    if [ -n "${CAP_FILE:-}" ] && [ -f "$CAP_FILE" ]; then
        lost="$(tshark -r "$CAP_FILE" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' 2>/dev/null | wc -l)"
        if [ "$lost" -gt 0 ]; then
            log "capture has $lost frames next to lost segments"
            CAPTURE_INCOMPLETE=1
        fi
    fi
}

# start a background python helper (fake server) and remember its pid
bg_start() {
    "$@" &
    BG_PID=$!
    register_pid "$BG_PID"
}

wait_port() {
    local port="$1" i
    for i in $(seq 50); do
        ss -ltn | grep -q ":$port " && return 0
        sleep 0.1
    done
    log "port $port never opened"
    return 1
}

client() { "$PY" "$RECORD_DIR/imapclient.py" "$@"; }
pyclient() { "$PY" "$RECORD_DIR/pyclient.py" "$@"; }
fakeserver() { "$PY" "$RECORD_DIR/fakeserver.py" "$@"; }

summary() {
    local f="$1"
    log "$(basename "$f"): $(tshark -r "$f" 2>/dev/null | wc -l) frames, $(stat -c %s "$f") bytes"
}
