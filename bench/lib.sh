# Shared by the bench scripts: one wrk run printed as a Markdown table row.
# wrk_row CELLS... -- WRK-ARGS...: prints "| CELLS | requests/s | p50 | p99 | non-2xx |".
wrk_row() {
  local cells=()
  while [ "$1" != "--" ]; do cells+=("$1"); shift; done
  shift
  local out rps p50 p99 errors
  out=$(wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" --latency "$@")
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  printf '|'
  printf ' %s |' "${cells[@]}" "$rps" "$p50" "$p99" "${errors:-0}"
  printf '\n'
}
