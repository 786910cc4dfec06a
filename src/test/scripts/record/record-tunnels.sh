#!/usr/bin/env bash
# Regenerates src/test/resources/captures/tunnels: real IMAP/TLS sessions through VXLAN between network
# namespaces (the one tunnel device this kind of container can create), real sessions through SOCKS and HTTP
# CONNECT proxies on loopback, and the wrapped captures (real loopback recordings put inside GRE, ERSPAN,
# GENEVE, GTP-U, IP-in-IP, MPLS, PPPoE headers by TunnelCaptureWriter).
# Needs root, iproute2, tcpdump, tshark, dovecot-imapd, curl, microsocks, dante-server, tinyproxy, a JDK + Maven.
#
#   record-tunnels.sh               record everything (~1 minute)
#   record-tunnels.sh NAME...       only the named stories (functions below without rec_), e.g. vxlan_imaps
#   KEEP_WORK=1 record-tunnels.sh   keep the temp dir (dovecot logs, tcpdump stderr)
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T="$CAPTURES/tunnels"

netns_add() {
    ip netns add "$1" || { log "cannot create netns $1"; exit 1; }
    echo "$1" >> "$WORK/netns"
    ip -n "$1" link set lo up
}

# A veth pair between namespaces $1 (192.0.2.10) and $2 (192.0.2.20): the underlay.
underlay() {
    netns_add "$1"
    netns_add "$2"
    ip link add va netns "$1" type veth peer name vb netns "$2"
    ip -n "$1" addr add 192.0.2.10/24 dev va
    ip -n "$2" addr add 192.0.2.20/24 dev vb
    ip -n "$1" link set va up
    ip -n "$2" link set vb up
}

# vxlan_dev NS DEV VNI PORT LOCAL REMOTE OVERLAY_ADDR [MOVE_TO_NS]
# A VXLAN device whose UDP socket lives in NS; with MOVE_TO_NS the device itself moves there (a tenant), so two
# tenants can use the same overlay addresses over one underlay.
vxlan_dev() {
    local ns=$1 dev=$2 vni=$3 port=$4 local=$5 remote=$6 addr=$7 to=${8:-}
    local lower=vb
    [ "$ns" = ua ] && lower=va
    ip -n "$ns" link add "$dev" type vxlan id "$vni" local "$local" remote "$remote" dstport "$port" dev "$lower"
    if [ -n "$to" ]; then
        ip -n "$ns" link set "$dev" netns "$to"
        ns=$to
    fi
    ip -n "$ns" addr add "$addr/24" dev "$dev"
    ip -n "$ns" link set "$dev" up
}

# dovecot_in NS NAME: lib.sh's private dovecot (alice/secret, 143 + 993), run inside a namespace.
dovecot_in() {
    local ns=$1 name=$2
    (
        dovecot() { ip netns exec "$ns" /usr/sbin/dovecot "$@"; }
        ss() { ip netns exec "$ns" /usr/bin/ss "$@"; }
        LISTEN="*" IMAP_PORT=143 IMAPS_PORT=993 dovecot_start "$name"
    ) || exit 1
}

curl_imap() { # NS URL [curl options...]
    local ns=$1 url=$2
    shift 2
    ip netns exec "$ns" curl -sS --max-time 10 --cacert "$WORK/certs/ca.pem" -u alice:secret \
        --resolve mail.example.test:993:10.0.0.2 --resolve mail.example.test:143:10.0.0.2 "$@" "$url" \
        >>"$WORK/curl.out" 2>&1
}

# ---------------------------------------------------------------------------------------------- VXLAN (real)
# 1. curl, implicit TLS (993), through VXLAN VNI 4242 on the IANA port 4789
rec_vxlan_imaps() {
    underlay ua ub
    vxlan_dev ua vx0 4242 4789 192.0.2.10 192.0.2.20 10.0.0.1
    vxlan_dev ub vx0 4242 4789 192.0.2.20 192.0.2.10 10.0.0.2
    dovecot_in ub vx1
    local f="$T/vxlan-imaps.pcap"
    NSEXEC="ip netns exec ua" CAP_IF=va capture_start "$f" "udp port 4789"
    curl_imap ua "imaps://mail.example.test/"
    capture_stop; summary "$f"
    dovecot_stop vx1
    ip netns del ua; ip netns del ub
}

# 2. curl, STARTTLS on 143, through VXLAN VNI 77 on Linux's historical port 8472
rec_vxlan_linux_starttls() {
    underlay ua ub
    vxlan_dev ua vx0 77 8472 192.0.2.10 192.0.2.20 10.0.0.1
    vxlan_dev ub vx0 77 8472 192.0.2.20 192.0.2.10 10.0.0.2
    dovecot_in ub vx2
    local f="$T/vxlan-linux-starttls.pcap"
    NSEXEC="ip netns exec ua" CAP_IF=va capture_start "$f" "udp port 8472"
    curl_imap ua "imap://mail.example.test/" --ssl-reqd
    capture_stop; summary "$f"
    dovecot_stop vx2
    ip netns del ua; ip netns del ub
}

# 3. Two tenants (VNI 100 and 200) with the same overlay addresses and the same client port, at the same time,
#    over one underlay: two connections with one inner 4-tuple.
rec_vxlan_two_tenants() {
    underlay ua ub
    local t
    for t in 100 200; do
        netns_add "ca$t"; netns_add "sb$t"
        vxlan_dev ua "vx$t" "$t" 4789 192.0.2.10 192.0.2.20 10.0.0.1 "ca$t"
        vxlan_dev ub "vx$t" "$t" 4789 192.0.2.20 192.0.2.10 10.0.0.2 "sb$t"
        dovecot_in "sb$t" "tenant$t"
    done
    local f="$T/vxlan-two-tenants.pcap"
    NSEXEC="ip netns exec ua" CAP_IF=va capture_start "$f" "udp port 4789"
    curl_imap ca100 "imaps://mail.example.test/" --local-port 40000 &
    local p1=$!
    curl_imap ca200 "imaps://mail.example.test/" --local-port 40000 &
    local p2=$!
    wait $p1 $p2
    capture_stop; summary "$f"
    for t in 100 200; do dovecot_stop "tenant$t"; ip netns del "ca$t"; ip netns del "sb$t"; done
    ip netns del ua; ip netns del ub
}

# ---------------------------------------------------------------------------------------------- proxies (real)
# All in a namespace of their own ("msp", its own loopback, so the ports cannot clash with anything else running):
# dovecot (main configuration, 10143 IMAP/STARTTLS, 10993 IMAPS); curl reaches it through a proxy on loopback and
# only the client <-> proxy leg is captured. --connect-to makes curl send SNI mail.example.test while asking the
# proxy for localhost (nothing here resolves mail.example.test).
proxy_host_args() {
    PROXY_HOST_ARGS=(--cacert "$WORK/certs/ca.pem" --connect-to mail.example.test:10993:localhost:10993
        --connect-to mail.example.test:10143:localhost:10143)
}

NSX="ip netns exec msp"

proxy_main() {
    if [ -z "${PROXY_MAIN_UP:-}" ]; then
        netns_add msp
        (
            dovecot() { ip netns exec msp /usr/sbin/dovecot "$@"; }
            ss() { ip netns exec msp /usr/bin/ss "$@"; }
            LISTEN="127.0.0.1, ::1" dovecot_start proxied
        ) || exit 1
        PROXY_MAIN_UP=1
    fi
    proxy_host_args
}

wait_port_ns() {
    local i
    for i in $(seq 50); do
        $NSX ss -ltn | grep -q ":$1 " && return 0
        sleep 0.1
    done
    log "port $1 never opened"
    return 1
}

microsocks_start() { # PORT [-u USER -P PASS]
    local port=$1
    shift
    $NSX microsocks -i 127.0.0.1 -p "$port" "$@" >>"$WORK/microsocks.log" 2>&1 &
    BG_PID=$!
    register_pid "$BG_PID"
    wait_port_ns "$port"
}

dante_start() { # PORT: SOCKS4/4a/5 without authentication, loopback only
    cat > "$WORK/danted.conf" <<EOF
logoutput: $WORK/danted.log
internal: 127.0.0.1 port = $1
external: lo
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 protocol: tcp }
socks pass { from: 127.0.0.0/8 to: . protocol: tcp }
EOF
    $NSX danted -f "$WORK/danted.conf" -p "$WORK/danted.pid" -N 1 >>"$WORK/danted.log" 2>&1 &
    BG_PID=$!
    register_pid "$BG_PID"
    wait_port_ns "$1"
}

tinyproxy_start() { # PORT [EXTRA CONFIG LINE]
    cat > "$WORK/tinyproxy-$1.conf" <<EOF
User nobody
Group nogroup
Port $1
Listen 127.0.0.1
Timeout 30
LogFile "$WORK/tinyproxy-$1.log"
PidFile "$WORK/tinyproxy-$1.pid"
MaxClients 10
Allow 127.0.0.1
ConnectPort 10993
ConnectPort 10143
${2:-}
EOF
    $NSX tinyproxy -d -c "$WORK/tinyproxy-$1.conf" >>"$WORK/tinyproxy-$1.log" 2>&1 &
    BG_PID=$!
    register_pid "$BG_PID"
    wait_port_ns "$1"
}

stop_bg() { kill "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; }

proxy_story() { # FILE PROXY_PORT curl arguments...
    local f="$T/$1" port=$2
    shift 2
    NSEXEC="$NSX" capture_start "$f" "tcp port $port"
    $NSX curl -sS --max-time 10 "${PROXY_HOST_ARGS[@]}" "$@" >>"$WORK/curl.out" 2>&1
    echo "curl exit $? for $(basename "$f")" >>"$WORK/curl.out"
    capture_stop; summary "$f"
}

# SOCKS5 (microsocks), host name resolved by the proxy, implicit TLS
rec_socks5_imaps() {
    proxy_main; microsocks_start 11080
    proxy_story socks5-imaps.pcap 11080 -u alice:secret -x socks5h://127.0.0.1:11080 imaps://mail.example.test:10993/
    stop_bg
}

# SOCKS5 with username/password login (RFC 1929), then IMAP greeting and STARTTLS
rec_socks5_login_starttls() {
    proxy_main; microsocks_start 11081 -u proxyuser -P proxypass
    proxy_story socks5-login-starttls.pcap 11081 -u alice:secret -x socks5h://proxyuser:proxypass@127.0.0.1:11081 \
        --ssl-reqd imap://mail.example.test:10143/
    stop_bg
}

# SOCKS5 to a port nothing listens on: reply 5, connection refused
rec_socks5_refused() {
    proxy_main; microsocks_start 11080
    proxy_story socks5-refused.pcap 11080 -x socks5h://127.0.0.1:11080 imaps://localhost:10994/
    stop_bg
}

# SOCKS4 (dante) to an IPv4 address, implicit TLS (curl sends no SNI for an address)
rec_socks4_imaps() {
    proxy_main; dante_start 11082
    proxy_story socks4-imaps.pcap 11082 -u alice:secret -k --socks4 127.0.0.1:11082 imaps://127.0.0.1:10993/
    stop_bg
}

# SOCKS4a (dante): dante 1.4.2 does not implement 4a, so it takes 0.0.0.1 for the address, fails to connect and
# answers 91 "request rejected or failed": a real refusal (no Debian SOCKS server here accepts 4a)
rec_socks4a_refused_dante() {
    proxy_main; dante_start 11082
    proxy_story socks4a-refused-dante.pcap 11082 -u alice:secret --socks4a 127.0.0.1:11082 imaps://mail.example.test:10993/
    stop_bg
}

# HTTP CONNECT (tinyproxy), implicit TLS
rec_http_connect_imaps() {
    proxy_main; tinyproxy_start 11088
    proxy_story http-connect-imaps.pcap 11088 -u alice:secret -p -x http://127.0.0.1:11088 \
        imaps://mail.example.test:10993/
    stop_bg
}

# HTTP CONNECT, then the IMAP greeting and STARTTLS
rec_http_connect_starttls() {
    proxy_main; tinyproxy_start 11088
    proxy_story http-connect-starttls.pcap 11088 -u alice:secret -p -x http://127.0.0.1:11088 --ssl-reqd \
        imap://mail.example.test:10143/
    stop_bg
}

# HTTP CONNECT to a port tinyproxy does not allow (ConnectPort): 403
rec_http_connect_403() {
    proxy_main; tinyproxy_start 11088
    proxy_story http-connect-403.pcap 11088 -p -x http://127.0.0.1:11088 imaps://localhost:10995/
    stop_bg
}

# HTTP CONNECT without the credentials tinyproxy's BasicAuth wants: 407
rec_http_connect_407() {
    proxy_main; tinyproxy_start 11089 "BasicAuth proxyuser proxypass"
    proxy_story http-connect-407.pcap 11089 -p -x http://127.0.0.1:11089 imaps://mail.example.test:10993/
    stop_bg
}

PROXY_STORIES="socks5_imaps socks5_login_starttls socks5_refused socks4_imaps socks4a_refused_dante http_connect_imaps
    http_connect_starttls http_connect_403 http_connect_407"

# ---------------------------------------------------------------------------------------------- SSL 2.0-format hello
# sslv2hello.py sends the SSL 2.0-compatible ClientHello OpenSSL 0.9.8 clients sent (version 0x0303 inside, 26
# cipher specs of which 5 are SSL 2.0-only kinds); OpenSSL 3's s_server still accepts that format and answers with a
# TLS 1.2 ServerHello (AES256-SHA, allowed by -cipher ...@SECLEVEL=0). In the "msp" namespace, port 10993.
rec_sslv2_compat_hello() {
    proxy_main
    rm -f "$WORK/v2.in"
    mkfifo "$WORK/v2.in"
    $NSX openssl s_server -accept 127.0.0.1:10994 -cert "$WORK/certs/server.pem" -key "$WORK/certs/server.key" \
        -cipher 'AES128-SHA:AES256-SHA:@SECLEVEL=0' -naccept 1 <"$WORK/v2.in" >>"$WORK/s_server.log" 2>&1 &
    BG_PID=$!
    register_pid "$BG_PID"
    exec 7>"$WORK/v2.in"
    wait_port_ns 10994
    local f="$T/sslv2-compat-hello.pcap"
    NSEXEC="$NSX" capture_start "$f" "tcp port 10994"
    $NSX "$PY" "$RECORD_DIR/sslv2hello.py" 127.0.0.1 10994 0303 >>"$WORK/curl.out" 2>&1
    capture_stop; summary "$f"
    exec 7>&-
    stop_bg
}

# ---------------------------------------------------------------------------------------------- wrapped
rec_wrapped() {
    (cd "$REPO_DIR" && mvn -B -q test-compile >/dev/null && \
        java -cp target/classes:target/test-classes io.mailscope.capture.TunnelCaptureWriter "$CAPTURES")
}

ALL=(vxlan_imaps vxlan_linux_starttls vxlan_two_tenants $PROXY_STORIES sslv2_compat_hello wrapped)

setup_work
trap cleanup_all EXIT
mkdir -p "$T"
make_certs || exit 1
for story in "${@:-${ALL[@]}}"; do
    log "== $story"
    "rec_$story"
done
