#!/usr/bin/env bash
# Prints each capture frame by frame (number, time, direction, TCP flags, payload length, TLS summary or
# the first characters of plaintext) so the README's "key frames" can be checked against the files.
#   describe.sh FILE...
for f in "$@"; do
    echo "=== $(basename "$f")"
    tshark -r "$f" -T fields -E separator='|' \
        -e frame.number -e frame.time_relative -e tcp.srcport -e tcp.dstport -e tcp.flags.str -e tcp.len \
        -e tls.record.content_type -e tls.handshake.type -e tls.alert_message.desc -e tcp.payload 2>/dev/null |
    while IFS='|' read -r n t sp dp flags len ct hs alert payload; do
        text=""
        if [ -n "$ct" ]; then
            text="tls content=$ct${hs:+ hs=$hs}${alert:+ alert=$alert}"
        elif [ -n "$payload" ]; then
            text="$(echo "$payload" | xxd -r -p | tr -c '[:print:]' '~' | cut -c1-90)"
        fi
        printf '%4s %9.3f %5s>%-5s %-12s %5s  %s\n' "$n" "$t" "$sp" "$dp" "$flags" "$len" "$text"
    done
done
