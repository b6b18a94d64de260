#!/usr/bin/env bash
# Starts a three-node Tarn cluster on this machine (loopback only):
#   node 1: coordinator + catalog + worker, seed node, HTTP 8080, cluster port 25520
#   node 2, 3: workers, cluster ports 25521, 25522
# Each node keeps its data under tarn-data/nodeN and logs to tarn-data/nodeN.log.
# Stop them all with: cluster-config/scripts/local-cluster.sh stop
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
config=cluster-config/examples/three-nodes.conf
if [ "${1:-start}" = "stop" ]; then
  for n in 1 2 3; do
    [ -f "tarn-data/node$n.pid" ] && kill "$(cat "tarn-data/node$n.pid")" 2>/dev/null || true
    rm -f "tarn-data/node$n.pid"
  done
  exit 0
fi
mkdir -p tarn-data
start() { # n port roles http
  ./tarn server --config "$config" --artery-port "$2" --roles "$3" --http-port "$4" \
    --data-dir "tarn-data/node$1" > "tarn-data/node$1.log" 2>&1 &
  echo $! > "tarn-data/node$1.pid"
}
start 1 25520 coordinator,catalog,worker 8080
sleep 5
start 2 25521 worker 8081
start 3 25522 worker 8082
echo "Cluster starting: coordinator on http://127.0.0.1:8080 (logs in tarn-data/node*.log)"
