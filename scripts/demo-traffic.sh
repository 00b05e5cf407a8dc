#!/usr/bin/env bash
# Changes how one colour of the demo's services answers, through the traffic simulator's control
# API (test/traffic-simulator, started by scripts/start.sh on 127.0.0.1:9464):
#
#   scripts/demo-traffic.sh <namespace> <colour> [--error-rate <0..1>] [--latency-ms <n>]
#   scripts/demo-traffic.sh reset     every colour healthy (no errors, 20 ms) again
#   scripts/demo-traffic.sh status    each service's split and behaviour now
#
# e.g. `scripts/demo-traffic.sh progressive green --error-rate 0.5` makes half of green's requests
# of progressive-app answer 503 from the next second: a running rollout fails its success-rate
# gate at its next evaluation and rolls back. TRAFFIC_SIMULATOR_URL overrides the address.
set -euo pipefail
url="${TRAFFIC_SIMULATOR_URL:-http://127.0.0.1:9464}"

number() {
  [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "demo-traffic: $1 takes a number, e.g. $1 0.5; got '$2'" >&2; exit 2; }
}

usage() {
  sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,3\}//' >&2
  exit 2
}

call() {
  local answer
  if ! answer="$(curl -s -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} -w '\n%{http_code}' "$url$2")"; then
    echo "demo-traffic: the traffic simulator does not answer on $url: start the demo with scripts/start.sh" >&2
    exit 1
  fi
  local status="${answer##*$'\n'}"
  echo "${answer%$'\n'*}"
  [ "${status:0:1}" = 2 ] || exit 1
}

[ $# -ge 1 ] || usage
case "$1" in
  reset) call DELETE /behaviour ;;
  status) call GET /traffic ;;
  -h|--help) usage ;;
  *)
    [ $# -ge 2 ] || usage
    namespace="$1" colour="$2"
    shift 2
    fields=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --error-rate) [ $# -ge 2 ] || usage; number "$1" "$2"; fields+=("\"errorRate\": $2"); shift 2 ;;
        --latency-ms) [ $# -ge 2 ] || usage; number "$1" "$2"; fields+=("\"latencyMs\": $2"); shift 2 ;;
        *) echo "demo-traffic: unknown option $1" >&2; usage ;;
      esac
    done
    [ ${#fields[@]} -gt 0 ] || { echo "demo-traffic: give --error-rate and/or --latency-ms" >&2; usage; }
    body="{$(IFS=,; echo "${fields[*]}")}"
    call PUT "/behaviour/$namespace/$colour" "$body"
    ;;
esac
