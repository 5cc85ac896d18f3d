#!/bin/bash
# Interleaved A/B of the MLLP benchmark: this machine's speed drifts by 20-40 % within minutes,
# so variants are only compared when run in turns (A, B, C, A, B, C, ...), each on a fresh hub
# with a fresh data directory, and only warm runs (2 and later) count.
#
#   tools/bench/mllp-ab.sh ROUNDS RUNS 'label:jvm args' ['label:jvm args' ...]
#   e.g. tools/bench/mllp-ab.sh 2 3 'on:-Dhub.deid.hl7.enabled=false' \
#          'off:-Dhub.deid.hl7.enabled=false -Dhub.audit.enabled=false'
#
# Needs `mvn package -DskipTests` and the test class path in target/bench-classpath.txt
# (`mvn test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
# -Dmdep.includeScope=test`). Environment: CONNECTIONS (8), MESSAGES (40000), OUT (target/bench-ab).
# Uses the ports of the embedded default (2575, 8080, 9000, 9092); nothing else may hold them.
set -u
rounds=$1; runs=$2; shift 2
cd "$(dirname "$0")/../.."
connections=${CONNECTIONS:-8}; messages=${MESSAGES:-40000}; out=${OUT:-target/bench-ab}
mkdir -p "$out"
tools=tools/bench
for round in $(seq 1 "$rounds"); do
  for variant in "$@"; do
    label="${variant%%:*}$round"; args="${variant#*:}"
    rm -rf data
    # shellcheck disable=SC2086
    java -Xmx1g $args -jar target/clinical-data-hub.jar > "$out/hub-$label.log" 2>&1 &
    hub=$!
    for _ in $(seq 1 120); do
      curl -s -u admin:change-me localhost:8080/actuator/health 2>/dev/null | grep -q '"UP"' \
        && (echo > /dev/tcp/127.0.0.1/2575) 2>/dev/null && break
      sleep 1
    done
    for run in $(seq 1 "$runs"); do
      python3 $tools/thread-cpu.py snapshot $hub > "$out/cpu0.json"
      java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
        org.clinicaldatahub.hub.bench.MllpBench bench.connections="$connections" bench.messages="$messages" \
        bench.warmup=2000 bench.user=admin bench.password=change-me bench.progressSeconds=0 \
        > "$out/bench-$label-$run.log" 2>&1
      python3 $tools/thread-cpu.py snapshot $hub > "$out/cpu1.json"
      python3 $tools/thread-cpu.py diff "$out/cpu0.json" "$out/cpu1.json" $((messages + 2000)) \
        > "$out/cpu-$label-$run.txt"
      echo "$label run $run: $(grep -o '[0-9.]* msg/s' "$out/bench-$label-$run.log" | head -1)," \
        "hub $(head -1 "$out/cpu-$label-$run.txt" | cut -d' ' -f2) us/msg CPU"
    done
    children=$(pgrep -P $hub)
    kill $hub; wait $hub 2>/dev/null
    # shellcheck disable=SC2086
    [ -n "$children" ] && kill $children 2>/dev/null
    sleep 2
  done
done
