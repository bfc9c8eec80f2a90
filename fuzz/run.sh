#!/usr/bin/env bash
# Fuzz finfacts.extract for a set time:  fuzz/run.sh [SECONDS] [libFuzzer flags...]
#
#   fuzz/run.sh 60                 # one minute
#   fuzz/run.sh 600 -jobs=2        # ten minutes, two processes
#   FINFACTS_FUZZ_STRICT=1 fuzz/run.sh 60   # also stop on faults already tracked by xfail tests
#
# Installs atheris into the project's virtualenv when it is missing. The growing corpus
# and any crash-* / timeout-* / slow-unit-* inputs live in $FINFACTS_FUZZ_DIR
# (default: ${TMPDIR:-/tmp}/finfacts-fuzz), outside the source tree.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-$root/.venv/bin/python}"
seconds="${1:-60}"
shift || true

if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh [SECONDS] [libFuzzer flags...]" >&2
    exit 2
fi
if ! "$python" -c "import atheris" 2>/dev/null; then
    echo "installing atheris into $("$python" -c 'import sys; print(sys.prefix)')" >&2
    "$python" -m pip install --quiet atheris
fi

work="${FINFACTS_FUZZ_DIR:-${TMPDIR:-/tmp}/finfacts-fuzz}"
mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
"$python" "$here/fuzz_extract.py" --write-seeds "$work/seeds" >/dev/null
"$python" "$here/fuzz_extract.py" --write-dict "$work/tokens.dict"

echo "fuzzing finfacts.extract for ${seconds}s; corpus and artifacts in $work" >&2
started="$work/.run-started"
touch "$started"
status=0
"$python" "$here/fuzz_extract.py" \
    -max_total_time="$seconds" \
    -timeout=20 \
    -rss_limit_mb=4096 \
    -max_len=8192 \
    -report_slow_units=5 \
    -print_final_stats=1 \
    -dict="$work/tokens.dict" \
    -artifact_prefix="$work/artifacts/" \
    "$@" \
    "$work/corpus" "$work/seeds" || status=$?

found="$(find "$work/artifacts" -newer "$started" -type f \
    \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \))"
if [[ -n "$found" ]]; then
    echo "inputs that broke or slowed extract in this run (replay: $python $here/fuzz_extract.py FILE):" >&2
    sed 's/^/  /' <<<"$found" >&2
fi
exit "$status"
