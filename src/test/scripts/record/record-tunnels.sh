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

# ---------------------------------------------------------------------------------------------- wrapped
rec_wrapped() {
    (cd "$REPO_DIR" && mvn -B -q test-compile >/dev/null && \
        java -cp target/classes:target/test-classes io.mailscope.capture.TunnelCaptureWriter "$CAPTURES")
}

ALL=(vxlan_imaps vxlan_linux_starttls vxlan_two_tenants wrapped)
[ -n "${PROXY_STORIES:-}" ] && ALL+=($PROXY_STORIES)

setup_work
trap cleanup_all EXIT
mkdir -p "$T"
make_certs || exit 1
for story in "${@:-${ALL[@]}}"; do
    log "== $story"
    "rec_$story"
done
