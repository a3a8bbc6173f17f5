#!/usr/bin/env bash
# tcpvet's whole test run, as CI runs it (.ci/run) and as a developer runs it before pushing:
#   1. install the build and test dependencies (Debian 12; skipped when all are installed)
#   2. Release build in build/ and the whole ctest suite
#   3. ASan+UBSan build in build-asan/ and the whole ctest suite again (but the slow TShark corpus diff)
#   4. libFuzzer build in build-fuzz/ (clang-14) and each fuzz target for FUZZ_SECONDS on a copy of
#      its seed corpus (tests/fuzz/corpus/<target>/)
# and prints one line `N passed, N failed` counting those steps. Exits non-zero when any step failed.
#
# Environment:
#   FUZZ_SECONDS=60   time per fuzz target
#   SKIP_ASAN=1       leave out step 3;  SKIP_FUZZ=1 leave out step 4 (for a quick local run)
#   JOBS=2            build and ctest parallelism
# Run it from anywhere; it works in the repository root. ../shared/corpus (beside the repository)
# enables the corpus tests; without it they are skipped.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
root="$PWD"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
JOBS="${JOBS:-2}"
fuzz_targets=(fuzz_decode fuzz_tcp_options fuzz_pipeline)

passed=0
failed=0
failed_steps=()
timings=()
run_started=$SECONDS

section() { printf '\n==================== %s ====================\n' "$*"; }

# step NAME COMMAND...: runs one step, times it, counts it.
step() {
    local name="$1"
    shift
    section "$name"
    local started=$SECONDS
    "$@"
    local rc=$?
    local took=$((SECONDS - started))
    if [[ $rc -eq 0 ]]; then
        passed=$((passed + 1))
        timings+=("$(printf '%-28s ok      %5ss' "$name" "$took")")
        echo "---- $name: ok (${took}s)"
    else
        failed=$((failed + 1))
        failed_steps+=("$name")
        timings+=("$(printf '%-28s FAILED  %5ss' "$name" "$took")")
        echo "---- $name: FAILED with status $rc (${took}s)"
    fi
    return $rc
}

summary() {
    section "summary"
    printf '%s\n' "${timings[@]}"
    echo "total: $((SECONDS - run_started))s"
    if [[ $failed -gt 0 ]]; then
        echo "failed steps: ${failed_steps[*]}"
    fi
    echo "$passed passed, $failed failed"
}

# ---------------------------------------------------------------------------------------------
packages=(build-essential cmake pkg-config libpcap-dev zlib1g-dev libzstd-dev zstd gzip libcli11-dev nlohmann-json3-dev doctest-dev
          clang-14 libclang-rt-14-dev tshark tcpdump python3 python3-jsonschema groff-base iproute2)

install_dependencies() {
    local missing=()
    local pkg
    for pkg in "${packages[@]}"; do
        if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null)" != ii* ]]; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "all ${#packages[@]} packages installed"
        return 0
    fi
    echo "missing: ${missing[*]}"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    # tshark's postinst asks whether non-root users may capture; answer no, without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
    "${sudo[@]}" apt-get update -o Acquire::Retries=3 &&
        "${sudo[@]}" apt-get install -y --no-install-recommends -o Acquire::Retries=3 "${packages[@]}"
}

configure_and_build() {  # DIR, then cmake options
    local dir="$1"
    shift
    cmake -S "$root" -B "$dir" "$@" && cmake --build "$dir" -j "$JOBS"
}

run_ctest() {  # DIR, then ctest options
    local dir="$1"
    shift
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@"
}

run_ctest_asan() {
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_ctest build-asan -LE slow
}

build_fuzzers() {
    CC=clang-14 CXX=clang++-14 cmake -S "$root" -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPVET_FUZZ=ON &&
        cmake --build build-fuzz -j "$JOBS" --target tcpvet_fuzzers
}

run_fuzzer() {  # TARGET
    local target="$1"
    local bin
    bin="$(find build-fuzz -type f -name "$target" -perm -u+x | head -1)"
    if [[ -z "$bin" ]]; then
        echo "$target: binary not found in build-fuzz/"
        return 1
    fi
    local work="build-fuzz/fuzz-work/$target"
    local artifacts="build-fuzz/fuzz-artifacts"
    rm -rf "$work"
    mkdir -p "$work" "$artifacts"
    cp "tests/fuzz/corpus/$target"/* "$work"/
    local log="build-fuzz/fuzz-work/$target.log"
    echo "$target: ${FUZZ_SECONDS}s on a copy of tests/fuzz/corpus/$target ($(ls "$work" | wc -l) seeds)"
    # libFuzzer's own leak check stays on; abort_on_error makes any report a crash.
    ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target-" "$work" >"$log" 2>&1
    local rc=$?
    grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$log"
    if [[ $rc -ne 0 ]]; then
        echo "$target: exit $rc; the end of its log ($log):"
        tail -n 60 "$log"
        echo "reproducer(s) in $artifacts/ (add one to tests/fuzz/corpus/$target/ as crash-<name> once fixed):"
        ls -l "$artifacts" | grep -F "$target-" || true
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
if ! step "dependencies" install_dependencies; then
    summary
    exit 1
fi

if step "release build" configure_and_build build -DCMAKE_BUILD_TYPE=Release; then
    step "release tests" run_ctest build
else
    failed=$((failed + 1))
    failed_steps+=("release tests (not run)")
fi

if [[ -z "${SKIP_ASAN:-}" ]]; then
    if step "asan+ubsan build" configure_and_build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPVET_SANITIZE=ON; then
        step "asan+ubsan tests" run_ctest_asan
    else
        failed=$((failed + 1))
        failed_steps+=("asan+ubsan tests (not run)")
    fi
fi

if [[ -z "${SKIP_FUZZ:-}" ]]; then
    if step "fuzz build" build_fuzzers; then
        for target in "${fuzz_targets[@]}"; do
            step "fuzz $target" run_fuzzer "$target"
        done
    else
        failed=$((failed + ${#fuzz_targets[@]}))
        failed_steps+=("fuzz runs (not run)")
    fi
fi

summary
[[ $failed -eq 0 ]]
