#!/bin/bash
# cap.sh OUT PORT HOST [tcpdump args...]: capture one exchange.py run on the loopback
out=$1; port=$2; host=$3; shift 3
tcpdump -U "$@" -w "$out" "tcp port $port" & p=$!
sleep 1
python3 ./exchange.py "$host" "$port" $BIG
sleep 1; kill $p; wait $p
