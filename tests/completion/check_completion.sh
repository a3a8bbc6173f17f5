#!/usr/bin/env bash
# Checks src/cli/tcpvet.bash: it completes subcommands and option values, and its option lists
# match what each subcommand's --help declares (so a new option cannot be left out).
# Usage: check_completion.sh TCPVET   (run from anywhere; exits non-zero on the first mismatch list)
set -uo pipefail
tcpvet=${1:?usage: check_completion.sh TCPVET}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../../src/cli/tcpvet.bash
source "$root/src/cli/tcpvet.bash"
cd "$root" || exit 1
failures=0

# complete "LINE": the candidates _tcpvet offers for the last word of LINE (a trailing space = new word).
complete_line() {
    local line="$1"
    read -r -a COMP_WORDS <<<"$line"
    [[ "$line" == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$line"
    COMP_POINT=${#line}
    COMPREPLY=()
    _tcpvet tcpvet "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
    printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

expect() {  # LINE WANTED...: every WANTED word is among the candidates
    local line="$1"
    shift
    local got
    got=" $(complete_line "$line") "
    local word
    for word in "$@"; do
        if [[ "$got" != *" $word "* ]]; then
            echo "FAIL: '$line' should offer '$word'; got:$got"
            failures=$((failures + 1))
        fi
    done
}

expect_exactly() {  # LINE "SORTED WORDS"
    local got
    got=$(complete_line "$1")
    if [[ "$got" != "$2" ]]; then
        echo "FAIL: '$1' should offer exactly '$2'; got '$got'"
        failures=$((failures + 1))
    fi
}

expect "tcpvet " analyze packets conversations ladder follow graph anomalies live
expect_exactly "tcpvet graph x.pcap --stream 0 --format " "csv json svg"
expect_exactly "tcpvet graph x.pcap --stream 0 --kind " "rtt sequence throughput window"
expect_exactly "tcpvet graph x.pcap --direction " "client server"
expect_exactly "tcpvet con" "conversations"
expect_exactly "tcpvet -" "--help --version -h"
expect_exactly "tcpvet packets x.pcap --format " "json ndjson text"
expect_exactly "tcpvet conversations x.pcap --format " "json ndjson text zeek zeek-json"
expect_exactly "tcpvet x.pcap --format z" "zeek zeek-json"
expect_exactly "tcpvet anomalies x.pcap --format " "json ndjson text"
expect_exactly "tcpvet analyze x.pcap --color " "always auto never"
expect_exactly "tcpvet follow x.pcap --stream 0 --as " "ascii hex raw"
expect_exactly "tcpvet follow x.pcap --direction " "both client server"
expect_exactly "tcpvet anomalies x.pcap --fail-on " "critical info warning"
expect_exactly "tcpvet live -i lo --fail-on w" "warning"
expect "tcpvet anomalies x.pcap --threshold close" close_wait_seconds=
expect "tcpvet ladder testdata/gen_textbook.pcap --st" --stream
expect "tcpvet ladder x.pcap --stream 0 --" --explain --absolute --format
expect "tcpvet analyze testdata/gen_textbook." testdata/gen_textbook.pcap testdata/gen_textbook.pcapng
expect "tcpvet testdata/sam" testdata/sample.pcap
expect "tcpvet packets -r testdata/lo_n" testdata/lo_normal.pcap
expect "tcpvet live -i " lo
expect "tcpvet live --" --interface --list-interfaces --no-promisc --write --user --snaplen

# Every option --help lists for a subcommand is completed for it, and nothing else.
for command in $_tcpvet_subcommands; do
    declared=$("$tcpvet" "$command" --help | grep -aoE '^  (-[A-Za-z],)?--[a-z][a-z-]*' |
        sed -E 's/^ +//; s/,/ /' | tr ' ' '\n' | sort -u | tr '\n' ' ')
    offered=$(_tcpvet_options_for "$command" | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')
    if [[ "$declared" != "$offered" ]]; then
        echo "FAIL: $command options differ"
        echo "  --help:     $declared"
        echo "  completion: $offered"
        failures=$((failures + 1))
    fi
done

if [[ $failures -ne 0 ]]; then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "bash completion: all checks passed"
