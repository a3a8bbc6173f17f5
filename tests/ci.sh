#!/usr/bin/env bash
# tcpvet's whole test run, as CI runs it (.ci/run) and as a developer runs it before pushing:
#   1. install the build and test dependencies (Debian 12; skipped when all are installed)
#   1b. every C/C++ file follows .clang-format (tests/style/check_format.sh)
#   2. Release build in build/ and the whole ctest suite
#   3. ASan+UBSan build in build-asan/ and the whole ctest suite again (but the slow TShark corpus diff)
#   4. libFuzzer build in build-fuzz/ (clang-14) and each fuzz target for FUZZ_SECONDS on a copy of
#      its seed corpus (tests/fuzz/corpus/<target>/); 5 targets x 36 s keeps the 3 x 60 s budget
# then a table of the steps and, last, one line `N passed, N failed, N skipped` counting tests: the
# ctest results of the release and ASan runs plus one per fuzz target (a failed build or dependency
# step counts as one failure). Under CI=true a skipped test (exit 77) is a failure unless its name is
# on tests/skip_allowlist.txt with the reason. Exits non-zero when any step failed.
#
# Environment:
#   FUZZ_SECONDS=36   time per fuzz target
#   SKIP_ASAN=1       leave out step 3;  SKIP_FUZZ=1 leave out step 4 (for a quick local run)
#   JOBS=2            build and ctest parallelism
# Run it from anywhere; it works in the repository root. ../shared/corpus (beside the repository)
# enables the corpus tests; without it they are skipped.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
root="$PWD"
FUZZ_SECONDS="${FUZZ_SECONDS:-36}"
JOBS="${JOBS:-2}"
fuzz_targets=(fuzz_decode fuzz_tcp_options fuzz_pipeline fuzz_pcapng fuzz_reassembler)

passed=0
failed=0
tests_passed=0
tests_failed=0
tests_skipped=0
other_failed=0  # failed steps that are not test runs (dependencies, builds)
skip_allowlist="$root/tests/skip_allowlist.txt"
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
    echo "steps: $passed ok, $failed failed"
    echo "tests: $tests_passed passed, $((tests_failed + other_failed)) failed, $tests_skipped skipped"
}

# skip_allowed NAME: is NAME the first field of a line of tests/skip_allowlist.txt?
skip_allowed() {
    [[ -f "$skip_allowlist" ]] && awk -v name="$1" '$1 == name { found = 1 } END { exit !found }' "$skip_allowlist"
}

# count_ctest LOG: adds one ctest run's results to the test counts. Under CI=true a skipped test
# that is not on the allow-list counts as failed, and the run fails (status 1).
count_ctest() {
    local log="$1" total=0 failed_n=0 line name rc=0
    line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)"
    if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
        failed_n=${BASH_REMATCH[1]}
        total=${BASH_REMATCH[2]}
    else
        echo "no ctest result line in $log"
        other_failed=$((other_failed + 1))
        return 1
    fi
    local skipped=()
    mapfile -t skipped < <(sed -nE 's/^[[:space:]]+[0-9]+ - (.*) \((Skipped|Disabled)\)$/\1/p' "$log")
    # ctest counts a skipped test among those that passed.
    tests_passed=$((tests_passed + total - failed_n - ${#skipped[@]}))
    tests_failed=$((tests_failed + failed_n))
    for name in "${skipped[@]}"; do
        if [[ "${CI:-}" == true ]] && ! skip_allowed "$name"; then
            echo "FAILED: $name skipped under CI=true and not on tests/skip_allowlist.txt"
            tests_failed=$((tests_failed + 1))
            rc=1
        else
            tests_skipped=$((tests_skipped + 1))
        fi
    done
    return $rc
}

# ---------------------------------------------------------------------------------------------
packages=(build-essential cmake pkg-config libpcap-dev zlib1g-dev libzstd-dev zstd gzip libcli11-dev nlohmann-json3-dev doctest-dev
          clang-14 libclang-rt-14-dev clang-format-14 tshark wireshark-common tcpdump python3 python3-jsonschema libxml2-utils groff-base iproute2)

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
    local log="$dir/ctest-run.log"
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    count_ctest "$log" || rc=1
    return $rc
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

run_fuzzer_counted() {  # TARGET: run_fuzzer, counted as one test
    if run_fuzzer "$1"; then
        tests_passed=$((tests_passed + 1))
    else
        tests_failed=$((tests_failed + 1))
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
if ! step "dependencies" install_dependencies; then
    other_failed=$((other_failed + 1))
    summary
    exit 1
fi

step "format" bash "$root/tests/style/check_format.sh" || other_failed=$((other_failed + 1))

if step "release build" configure_and_build build -DCMAKE_BUILD_TYPE=Release; then
    step "release tests" run_ctest build
else
    other_failed=$((other_failed + 1))
    failed=$((failed + 1))
    failed_steps+=("release tests (not run)")
fi

if [[ -z "${SKIP_ASAN:-}" ]]; then
    if step "asan+ubsan build" configure_and_build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPVET_SANITIZE=ON; then
        step "asan+ubsan tests" run_ctest_asan
    else
        other_failed=$((other_failed + 1))
        failed=$((failed + 1))
        failed_steps+=("asan+ubsan tests (not run)")
    fi
fi

if [[ -z "${SKIP_FUZZ:-}" ]]; then
    if step "fuzz build" build_fuzzers; then
        for target in "${fuzz_targets[@]}"; do
            step "fuzz $target" run_fuzzer_counted "$target"
        done
    else
        other_failed=$((other_failed + 1))
        tests_failed=$((tests_failed + ${#fuzz_targets[@]}))
        failed=$((failed + ${#fuzz_targets[@]}))
        failed_steps+=("fuzz runs (not run)")
    fi
fi

summary
[[ $failed -eq 0 ]]
