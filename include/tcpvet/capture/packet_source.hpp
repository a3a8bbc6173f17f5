// libpcap packet source: capture files in order (pcap, pcap-ns, pcapng; "-" is stdin) or a live interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tcpvet/packet.hpp"

namespace tcpvet::capture {

// One frame as libpcap delivered it. `data` stays valid until the next call to next().
struct RawFrame {
    std::uint64_t frame = 0;  // counted from 1 across all inputs, in the order delivered (merged or concatenated)
    std::int64_t ts_ns = 0;
    std::uint32_t caplen = 0;
    std::uint32_t wire_len = 0;
    int link_type = 0;
    std::size_t input_index = 0;  // which file of the list
    Bytes data{};
};

struct LiveOptions {
    std::string interface;
    int snaplen = 262144;
    bool promiscuous = true;
    int buffer_timeout_ms = 200;  // pcap read timeout, so signals and --duration are noticed
    std::string write_path;       // -w: every captured frame also saved here (pcap)
    std::string drop_to_user;     // -Z: setuid/setgid to this user after opening the device
};

// How far back a file's own timestamps may step before a warning: small steps are ordinary
// when several capture threads or interfaces share one file.
constexpr std::int64_t k_backwards_warning_ns = 1'000'000'000;

struct SourceOptions {
    std::vector<std::string> files;  // "-" is standard input
    // Several files: merged in timestamp order as mergecap does (the earliest pending frame next;
    // on equal timestamps the file given last, as mergecap), or read end to end when `concatenate` is set.
    bool concatenate = false;
    // Called once per file, the first time its own timestamps step back by more than
    // k_backwards_warning_ns (one line naming the file and frame); may be empty.
    std::function<void(const std::string&)> on_warning;
    std::string bpf_filter;  // compiled by libpcap, applied to files and live capture alike
    LiveOptions live;        // used when `files` is empty and live.interface is set
    // A whole capture file held in memory (fuzzers, tests), read when `files` is empty and
    // `memory` is not. Named "memory" in messages. The bytes must outlive the source.
    Bytes memory{};
};

// Kernel/interface counters of a live capture (pcap_stats); zero for files.
struct LiveDropStats {
    std::uint64_t received = 0;
    std::uint64_t dropped_by_kernel = 0;
    std::uint64_t dropped_by_interface = 0;
};

// How far reading has got, for progress bars: bytes of the current file consumed and its size.
struct ReadProgress {
    std::size_t input_index = 0;
    std::size_t input_count = 0;
    std::uint64_t bytes_done = 0;   // across all files so far
    std::uint64_t bytes_total = 0;  // sum of regular-file sizes (0 when unknown, e.g. stdin)
};

class PacketSource {
public:
    explicit PacketSource(SourceOptions options);
    ~PacketSource();
    PacketSource(const PacketSource&) = delete;
    PacketSource& operator=(const PacketSource&) = delete;

    // Opens the first input (file or device) and compiles the filter; merging, every input.
    // On failure returns false and error() holds one line naming the file/interface. A missing
    // file is not checked up front: it fails when its turn comes, as a file that is not a capture.
    // Merging, open() fails only when no input can be opened; an input that cannot is left out,
    // and failed() and error() say so at once.
    bool open();

    // Next frame; false at the end of all input or on an error (then failed() is true).
    // Read end to end, an error (a missing or bad next file; mid-file a cut record, caplen >
    // snaplen, an unreadable block) stops reading; frames already returned stay valid results.
    // Merging, an error ends only the input it is in: the other inputs are read to their end,
    // so failed() may be true while next() still returns frames.
    bool next(RawFrame& frame);

    // Ask a live capture (or a file read) to stop soon; safe from a signal handler.
    // next() then returns false without failed(): the caller reports what it has.
    void interrupt() noexcept;

    // Flushes and closes the -w dump file and releases the capture handle (the destructor
    // does it too). live_drop_stats() keeps returning the counters taken here.
    void close() noexcept;

    [[nodiscard]] bool failed() const noexcept;
    // "FILE: packet N (byte offset B): what libpcap said" or "FILE: not a capture file: ...";
    // merging, one such line per input that failed (joined by '\n'), N counting that file's own
    // packets.
    [[nodiscard]] const std::string& error() const noexcept;
    [[nodiscard]] ReadProgress progress() const noexcept;
    [[nodiscard]] LiveDropStats live_drop_stats() const noexcept;
    [[nodiscard]] bool is_live() const noexcept;
    // Non-fatal notes from opening a live device (pcap_activate warnings), one line each.
    [[nodiscard]] const std::vector<std::string>& warnings() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Names of the capture devices libpcap can open (pcap_findalldevs), with descriptions.
struct InterfaceInfo {
    std::string name;
    std::string description;
    bool loopback = false;
    bool up = false;
};
[[nodiscard]] std::vector<InterfaceInfo> list_interfaces(std::string& error);

// Human name of a DLT (e.g. "EN10MB"), via libpcap.
[[nodiscard]] std::string link_type_name(int link_type);

}  // namespace tcpvet::capture
