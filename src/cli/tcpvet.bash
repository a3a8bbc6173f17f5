# bash completion for tcpvet(1). Installed as share/bash-completion/completions/tcpvet.
# Subcommands, each subcommand's options (as src/cli/app.cpp defines them), the values of
# --format/--color/--as/--direction/--kind/--fail-on/--threshold, capture files for inputs and -r,
# interfaces for `live -i`. tests/completion/check_completion.sh keeps it in step with --help.

_tcpvet_subcommands="analyze packets conversations ladder follow graph anomalies live"

# Options every file-reading subcommand accepts.
_tcpvet_input_opts="-r --read -f --filter --no-ip-reassembly --concatenate"
_tcpvet_output_opts="--format -o --output --color -q --quiet"
_tcpvet_tracking_opts="--idle-timeout --closed-linger --max-flows --max-conversations --half-open-list --tunnel-key"
_tcpvet_anomaly_opts="--threshold --config --fail-on"

_tcpvet_thresholds="syn_flood_window_seconds= syn_flood_half_open= syn_flood_critical_half_open=
 syn_flood_min_sources= syn_cookies_answer_ratio= close_wait_seconds= fin_wait_2_seconds= port_scan_ports=
 host_scan_hosts= rst_burst_count= rst_burst_window_seconds= backscatter_synacks= zero_window_stall_seconds=
 retransmission_rate= retransmission_min_packets= rtt_outlier_factor= rtt_outlier_min_ms=
 rtt_outlier_min_samples= out_of_window_factor="

_tcpvet_options_for() {
    local common="$_tcpvet_input_opts $_tcpvet_output_opts $_tcpvet_tracking_opts -h --help"
    case "$1" in
        analyze) echo "$common $_tcpvet_anomaly_opts --dump-streams --threads -Y --select" ;;
        anomalies) echo "$common $_tcpvet_anomaly_opts --threads -Y --select" ;;
        conversations) echo "$common --threads -Y --select" ;;
        packets) echo "$common -Y --select" ;;
        ladder) echo "$common --stream -Y --select --absolute --explain" ;;
        follow) echo "$common --stream -Y --select --direction --as" ;;
        graph)
            echo "$_tcpvet_input_opts --format -o --output -q --quiet $_tcpvet_tracking_opts -h --help" \
                "--stream --kind --direction --interval"
            ;;
        live)
            echo "-i --interface -f --filter --duration -c --count --snaplen --no-promisc -w --write -Z --user" \
                "--list-interfaces -Y --select $_tcpvet_output_opts $_tcpvet_anomaly_opts $_tcpvet_tracking_opts -h --help"
            ;;
    esac
}

_tcpvet_interfaces() {
    if [[ -r /proc/net/dev ]]; then
        awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev
    fi
    echo any
}

# Capture files (and directories to descend into); every file when extglob is off.
# The caller sets `compopt -o filenames` (it does not reach out of this $(...) subshell).
_tcpvet_captures() {
    if shopt -q extglob; then
        compgen -f -X '!*.@(pcap|pcapng|cap|dmp|pcap.gz|pcapng.gz)' -- "$1"
    else
        compgen -f -- "$1"
    fi
    compgen -d -- "$1"
}

_tcpvet() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD - 1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        # Without bash-completion, "--format=js" arrives as "--format" "=" "js".
        if [[ "$prev" == = && $cword -ge 2 ]]; then
            prev="${COMP_WORDS[COMP_CWORD - 2]}"
        elif [[ "$cur" == = ]]; then
            prev="${COMP_WORDS[COMP_CWORD - 1]}"
            cur=""
        fi
    fi

    # The subcommand: the first word naming one; `tcpvet FILE` means analyze.
    local command="" i
    for ((i = 1; i < cword; i++)); do
        if [[ " $_tcpvet_subcommands " == *" ${words[i]} "* ]]; then
            command="${words[i]}"
            break
        fi
    done

    # --option=value spelled in one word.
    if [[ "$cur" == --*=* ]]; then
        prev="${cur%%=*}"
        cur="${cur#*=}"
    fi

    case "$prev" in
        --format)
            if [[ "$command" == graph ]]; then
                COMPREPLY=($(compgen -W "svg csv json" -- "$cur"))
            else
                # Zeek's conn.log is a list of conversations: analyze (also `tcpvet FILE`) and conversations.
                local formats="text json ndjson"
                [[ -z "$command" || "$command" == analyze || "$command" == conversations ]] && formats+=" zeek zeek-json"
                COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            fi
            return ;;
        --kind) COMPREPLY=($(compgen -W "sequence throughput rtt window" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --as) COMPREPLY=($(compgen -W "ascii hex raw" -- "$cur")); return ;;
        --direction)
            if [[ "$command" == graph ]]; then
                COMPREPLY=($(compgen -W "client server" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "both client server" -- "$cur"))
            fi
            return ;;
        --fail-on) COMPREPLY=($(compgen -W "info warning critical" -- "$cur")); return ;;
        --threshold)
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "$_tcpvet_thresholds" -- "$cur"))
            return ;;
        -i | --interface) COMPREPLY=($(compgen -W "$(_tcpvet_interfaces)" -- "$cur")); return ;;
        -Z | --user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
        -r | --read)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(_tcpvet_captures "$cur"))
            [[ "$cur" == - || -z "$cur" ]] && COMPREPLY+=(-)
            return ;;
        -o | --output | -w | --write | --config)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --dump-streams)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        -f | --filter | --stream | --idle-timeout | --closed-linger | --max-flows | --max-conversations | \
            --half-open-list | --duration | -c | --count | --snaplen | --threads | --interval | -Y | --select)
            return ;;  # a value of the user's choosing
    esac

    if [[ -z "$command" ]]; then
        if [[ "$cur" == -* ]]; then
            COMPREPLY=($(compgen -W "-h --help --version" -- "$cur"))
        else
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -W "$_tcpvet_subcommands" -- "$cur") $(_tcpvet_captures "$cur"))
        fi
        return
    fi

    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$(_tcpvet_options_for "$command")" -- "$cur"))
        return
    fi
    if [[ "$command" != live ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(_tcpvet_captures "$cur"))
    fi
}

complete -F _tcpvet tcpvet
