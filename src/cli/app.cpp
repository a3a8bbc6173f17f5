// The command line (CLI11): git-style subcommands over one plain Options struct.
#include "tcpvet/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "tcpvet/cli/anomaly_command.hpp"
#include "tcpvet/cli/command_support.hpp"
#include "tcpvet/cli/commands.hpp"
#include "tcpvet/cli/options.hpp"
#include "tcpvet/cli/selection_support.hpp"

namespace tcpvet::cli {
namespace {

const std::map<std::string, OutputFormat> k_formats = {{"text", OutputFormat::text},
                                                       {"json", OutputFormat::json},
                                                       {"ndjson", OutputFormat::ndjson},
                                                       {"zeek", OutputFormat::zeek},
                                                       {"zeek-json", OutputFormat::zeek_json}};
const std::map<std::string, ColorMode> k_colors = {
    {"auto", ColorMode::automatic}, {"always", ColorMode::always}, {"never", ColorMode::never}};

constexpr const char* k_examples = R"(
Examples:
  tcpvet capture.pcap                          summary, conversations and verdicts
  tcpvet packets capture.pcap --format ndjson  one JSON object per TCP segment
  tcpvet conversations capture.pcapng -f 'port 443'
  tcpvet ladder capture.pcap --stream 0 --explain
  tcpvet graph capture.pcap --stream 0 --kind sequence -o stream0.svg
  tcpvet analyze a.pcap b.pcap --format json -o report.json
  tcpvet anomalies capture.pcap --fail-on warning --threshold close_wait_seconds=30
  tcpvet live -i lo --duration 10 --format ndjson | jq .
Exit status: 0 ok, 1 usage or input error, 2 anomalies at or above --fail-on.
)";

// Options every file-reading subcommand shares.
void add_input_options(CLI::App& command, Options& options) {
    command.add_option("inputs", options.inputs, "capture files (pcap, pcapng); - for standard input");
    command.add_option("-r,--read", options.inputs, "capture file to read (repeatable; - for stdin)")->take_all();
    command.add_option("-f,--filter", options.filter, "BPF capture filter, compiled by libpcap");
    command.add_flag("--no-ip-reassembly", options.no_ip_reassembly,
                     "analyse each IP fragment alone (tshark -o ip.defragment:FALSE)");
    command.add_flag("--concatenate", options.concatenate,
                     "read several inputs end to end instead of merging them by timestamp (as mergecap -a)");
}

void add_output_options(CLI::App& command, Options& options) {
    command
        .add_option("--format", options.format,
                    "output format: text, json, ndjson; zeek, zeek-json (analyze, conversations)")
        ->transform(
            CLI::CheckedTransformer(k_formats, CLI::ignore_case).description("{text,json,ndjson,zeek,zeek-json}"));
    command.add_option("-o,--output", options.output, "write output to FILE instead of standard output");
    command.add_option("--color", options.color, "colour text output: auto (TTY and no NO_COLOR), always, never")
        ->transform(CLI::CheckedTransformer(k_colors, CLI::ignore_case).description("{auto,always,never}"));
    command.add_flag("-q,--quiet", options.quiet, "no progress bar or status line");
}

void add_tracking_options(CLI::App& command, Options& options) {
    command
        .add_option("--idle-timeout", options.idle_timeout_s,
                    "end a conversation idle this many seconds of capture time")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    command
        .add_option("--closed-linger", options.closed_linger_s, "keep a closed conversation this many seconds (2 MSL)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    command.add_option("--max-flows", options.max_flows, "cap on conversations + half-open attempts held at once")
        ->check(CLI::Range(std::uint64_t{16}, std::uint64_t{1} << 31))
        ->capture_default_str();
    command.add_option("--max-conversations", options.max_conversations, "cap on full conversations held at once")
        ->check(CLI::Range(std::uint64_t{16}, std::uint64_t{1} << 31))
        ->capture_default_str();
    command
        .add_option("--half-open-list", options.half_open_list_limit,
                    "list at most this many never-completed attempts individually; count the rest")
        ->capture_default_str();
    command.add_flag("--tunnel-key", options.tunnel_key,
                     "keep conversations in different tunnels apart (VNI, key, label, TEID, outer addresses); "
                     "streams then differ from Wireshark's tcp.stream");
}

// Only where the output does not depend on it (per-frame and byte views stay on one thread).
void add_threads_option(CLI::App& command, Options& options) {
    command
        .add_option("--threads", options.threads,
                    "track on N threads (one reader, N shards by flow; the same report, caps split between "
                    "shards); 0: one per core")
        ->check(CLI::Range(0U, Options::k_max_threads))
        ->capture_default_str();
}

CLI::App* add_file_command(CLI::App& app, Options& options, const std::string& name, const std::string& description) {
    CLI::App* command = app.add_subcommand(name, description);
    add_input_options(*command, options);
    add_output_options(*command, options);
    add_tracking_options(*command, options);
    command->callback([&options, name] { options.command = name; });
    return command;
}

// `graph`: its own --format (svg, csv, json), not the text/json/ndjson of the report commands.
void add_graph_command(CLI::App& app, Options& options) {
    CLI::App* graph = app.add_subcommand("graph", "one stream's time-sequence, throughput, RTT or window graph");
    add_input_options(*graph, options);
    graph->add_option("--stream", options.stream, "the conversation to draw (tcp.stream number)")->required();
    graph->add_option("--kind", options.graph_kind, "sequence, throughput, rtt or window")
        ->check(CLI::IsMember({"sequence", "throughput", "rtt", "window"}))
        ->capture_default_str();
    graph
        ->add_option("--direction", options.graph_direction,
                     "whose data: client or server (default: the side that sent more payload)")
        ->check(CLI::IsMember({"client", "server"}));
    graph->add_option("--interval", options.graph_interval_s, "throughput interval in seconds (default: span / ~100)")
        ->check(CLI::PositiveNumber);
    graph->add_option("--format", options.graph_format, "svg (a picture), csv or json (the series behind it)")
        ->check(CLI::IsMember({"svg", "csv", "json"}))
        ->capture_default_str();
    graph->add_option("-o,--output", options.output, "write output to FILE instead of standard output");
    graph->add_flag("-q,--quiet", options.quiet, "no progress bar or status line");
    add_tracking_options(*graph, options);
    graph->callback([&options] { options.command = "graph"; });
}

bool is_subcommand_name(const std::string& word) {
    static const std::vector<std::string> k_names = {"analyze", "packets", "conversations", "ladder", "follow",
                                                     "live",    "help",    "anomalies",     "graph"};
    for (const std::string& name : k_names) {
        if (word == name) return true;
    }
    return false;
}

int run_command(const Options& options) {
    const bool zeek = options.format == OutputFormat::zeek || options.format == OutputFormat::zeek_json;
    if (zeek && options.command != "analyze" && options.command != "conversations" && !options.command.empty()) {
        print_error("--format zeek and zeek-json are for analyze and conversations");
        return k_exit_error;
    }
    if (options.command == "packets") return run_packets(options);
    if (options.command == "conversations") return run_conversations(options);
    if (options.command == "ladder") return run_ladder(options);
    if (options.command == "follow") return run_follow(options);
    if (options.command == "graph") return run_graph(options);
    if (options.command == "live") return run_live(options);
    if (options.command == "anomalies") return run_anomalies(options);
    return run_analyze(options);
}

}  // namespace

int run(int argc, char** argv) {
    Options options;
    CLI::App app{"tcpvet: TCP capture analyzer - conversations, handshake and teardown verdicts, anomalies", "tcpvet"};
    app.set_version_flag("--version", std::string("tcpvet ") + TCPVET_VERSION);
    app.footer(k_examples);
    app.require_subcommand(0, 1);

    CLI::App* analyze =
        add_file_command(app, options, "analyze", "capture summary, conversation table, verdicts (default command)");
    analyze->add_option("--dump-streams", options.dump_streams_dir,
                        "write each direction's reassembled bytes to DIR/stream-NNNNNN_CLIENT-SERVER.{client,server}");
    add_anomaly_options(*analyze, options);
    add_select_option(*analyze, options);
    add_threads_option(*analyze, options);
    CLI::App* anomalies = add_file_command(app, options, "anomalies", "anomalies only, grouped by kind and severity");
    add_anomaly_options(*anomalies, options);
    add_select_option(*anomalies, options);
    add_threads_option(*anomalies, options);
    add_select_option(*add_file_command(app, options, "packets", "one line (or JSON object) per TCP segment"), options);
    CLI::App* conversations = add_file_command(app, options, "conversations", "the conversation table");
    add_threads_option(*conversations, options);
    add_select_option(*conversations, options);
    CLI::App* ladder = add_file_command(app, options, "ladder", "draw one conversation as a sequence diagram");
    ladder->add_option("--stream", options.stream, "the conversation to draw (tcp.stream number)");
    add_select_option(*ladder, options);
    ladder->add_flag("--absolute", options.absolute, "raw sequence numbers instead of relative");
    ladder->add_flag("--explain", options.explain, "explain each segment's numbers");
    CLI::App* follow = add_file_command(app, options, "follow", "one stream's reassembled bytes (Follow TCP Stream)");
    follow->add_option("--stream", options.stream, "the conversation to follow (tcp.stream number)");
    add_select_option(*follow, options);
    follow->add_option("--direction", options.follow_direction, "both, client or server")
        ->check(CLI::IsMember({"both", "client", "server"}))
        ->capture_default_str();
    follow->add_option("--as", options.follow_as, "ascii, hex, or raw (exact bytes; both directions concatenated)")
        ->check(CLI::IsMember({"ascii", "hex", "raw"}))
        ->capture_default_str();

    add_graph_command(app, options);

    CLI::App* live = app.add_subcommand("live", "capture from an interface, report conversations as they end");
    live->add_option("-i,--interface", options.live.interface, "interface to capture on");
    live->add_option("-f,--filter", options.filter, "BPF capture filter");
    live->add_option("--duration", options.duration_s, "stop after this many seconds")->check(CLI::PositiveNumber);
    live->add_option("-c,--count", options.count, "stop after this many packets");
    live->add_option("--snaplen", options.live.snaplen, "bytes captured per packet")->check(CLI::Range(64, 262144));
    live->add_flag(
        "--no-promisc", [&options](std::int64_t) { options.live.promiscuous = false; },
        "do not put the interface in promiscuous mode");
    live->add_option("-w,--write", options.live.write_path, "also save every captured packet to this pcap file");
    live->add_option("-Z,--user", options.live.drop_to_user, "drop privileges to USER after opening the device");
    live->add_flag("--list-interfaces", options.list_interfaces, "list capture interfaces and exit");
    add_output_options(*live, options);
    add_anomaly_options(*live, options);
    add_select_option(*live, options);
    add_tracking_options(*live, options);
    live->callback([&options] { options.command = "live"; });

    // `tcpvet FILE ...` means `tcpvet analyze FILE ...`.
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && !is_subcommand_name(args[0]) && args[0] != "--help" && args[0] != "-h" &&
        args[0] != "--version") {
        args.insert(args.begin(), "analyze");
    }
    // `tcpvet help [COMMAND]` is `tcpvet [COMMAND] --help`.
    if (!args.empty() && args[0] == "help") {
        args.erase(args.begin());
        args.push_back("--help");
    }
    if (args.empty()) {
        std::cerr << app.help();
        return 1;
    }
    std::reverse(args.begin(), args.end());
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "tcpvet: " << e.what() << "\n(see tcpvet --help)\n";
        return 1;
    }
    if (options.command != "live" && options.inputs.empty()) {
        std::cerr << "tcpvet: no input: give capture files (or - for standard input)\n";
        return 1;
    }
    // Out of memory, or a thread the system would not start: one line and status 1, not an abort.
    try {
        return run_command(options);
    } catch (const std::exception& e) {
        std::cerr << "tcpvet: cannot go on: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace tcpvet::cli
