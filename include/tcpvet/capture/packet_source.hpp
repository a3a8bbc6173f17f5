// libpcap packet source: capture files in order (pcap, pcap-ns, pcapng; "-" is stdin) or a live interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcpvet/packet.hpp"

namespace tcpvet::capture {

// One frame as libpcap delivered it. `data` stays valid until the next call to next().
struct RawFrame {
    std::uint64_t frame = 0;  // counted from 1 across all inputs
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

struct SourceOptions {
    std::vector<std::string> files;  // read in order; "-" is standard input
    std::string bpf_filter;          // compiled by libpcap, applied to files and live capture alike
    LiveOptions live;                // used when `files` is empty and live.interface is set
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

    // Opens the first input (file or device) and compiles the filter.
    // On failure returns false and error() holds one line naming the file/interface.
    bool open();

    // Next frame; false at the end of all input or on an error (then failed() is true).
    // An error mid-file (cut record, caplen > snaplen, unreadable block) stops reading;
    // frames already returned stay valid results.
    bool next(RawFrame& frame);

    // Ask a live capture (or a file read) to stop soon; safe from a signal handler.
    // next() then returns false without failed(): the caller reports what it has.
    void interrupt() noexcept;

    // Flushes and closes the -w dump file and releases the capture handle (the destructor
    // does it too). live_drop_stats() keeps returning the counters taken here.
    void close() noexcept;

    [[nodiscard]] bool failed() const noexcept;
    // "FILE: packet N (byte offset B): what libpcap said" or "FILE: not a capture file: ..."
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
