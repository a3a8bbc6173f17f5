// Unit tests of the libpcap packet source and the progress line, on captures written byte by byte here.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/capture/progress.hpp"

namespace {

using tcpvet::capture::PacketSource;
using tcpvet::capture::RawFrame;
using tcpvet::capture::SourceOptions;
namespace fs = std::filesystem;

constexpr std::uint32_t k_magic_us = 0xa1b2c3d4;
constexpr std::uint32_t k_magic_ns = 0xa1b23c4d;
constexpr std::uint32_t k_linktype_ethernet = 1;
constexpr std::uint32_t k_linktype_raw = 101;  // LINKTYPE_RAW; libpcap reports it as DLT_RAW

using ByteVec = std::vector<std::uint8_t>;

void le16(ByteVec& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
    out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
}
void le32(ByteVec& out, std::uint32_t v) {
    le16(out, v & 0xffff);
    le16(out, v >> 16);
}
void be16(ByteVec& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

// IPv4 10.0.0.1 -> 10.0.0.2 carrying a bare 20-byte TCP header between the given ports.
ByteVec ipv4_tcp(std::uint32_t src_port, std::uint32_t dst_port) {
    ByteVec p;
    p.push_back(0x45);
    p.push_back(0);
    be16(p, 40);  // total length
    be16(p, 1);   // id
    be16(p, 0x4000);
    p.push_back(64);
    p.push_back(6);  // TCP
    be16(p, 0);      // checksum: BPF does not look
    for (int b : {10, 0, 0, 1, 10, 0, 0, 2}) {
        p.push_back(static_cast<std::uint8_t>(b));
    }
    be16(p, src_port);
    be16(p, dst_port);
    for (int i = 0; i < 8; ++i) {
        p.push_back(0);  // seq, ack
    }
    p.push_back(0x50);  // data offset 5
    p.push_back(0x02);  // SYN
    be16(p, 65535);
    be16(p, 0);
    be16(p, 0);
    return p;
}

ByteVec ethernet_tcp(std::uint32_t src_port, std::uint32_t dst_port) {
    ByteVec p = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6};
    be16(p, 0x0800);
    const ByteVec ip = ipv4_tcp(src_port, dst_port);
    p.insert(p.end(), ip.begin(), ip.end());
    return p;
}

struct Record {
    std::uint32_t sec = 0;
    std::uint32_t sub = 0;  // µs or ns, as the file's magic says
    ByteVec data;
};

ByteVec pcap_bytes(std::uint32_t magic, std::uint32_t linktype, const std::vector<Record>& records) {
    ByteVec out;
    le32(out, magic);
    le16(out, 2);
    le16(out, 4);
    le32(out, 0);  // thiszone
    le32(out, 0);  // sigfigs
    le32(out, 65535);
    le32(out, linktype);
    for (const Record& r : records) {
        le32(out, r.sec);
        le32(out, r.sub);
        le32(out, static_cast<std::uint32_t>(r.data.size()));
        le32(out, static_cast<std::uint32_t>(r.data.size()));
        out.insert(out.end(), r.data.begin(), r.data.end());
    }
    return out;
}

// SHB + IDB (if_tsresol = 10^-9) + one EPB per record; `sub` is in nanoseconds.
ByteVec pcapng_bytes(std::uint32_t linktype, const std::vector<Record>& records) {
    ByteVec out;
    le32(out, 0x0A0D0D0A);  // SHB
    le32(out, 28);
    le32(out, 0x1A2B3C4D);
    le16(out, 1);
    le16(out, 0);
    le32(out, 0xffffffff);  // section length unknown
    le32(out, 0xffffffff);
    le32(out, 28);
    le32(out, 1);  // IDB
    le32(out, 32);
    le16(out, linktype);
    le16(out, 0);
    le32(out, 65535);
    le16(out, 9);  // if_tsresol
    le16(out, 1);
    out.push_back(9);  // 10^-9
    out.push_back(0);
    out.push_back(0);
    out.push_back(0);
    le16(out, 0);  // opt_endofopt
    le16(out, 0);
    le32(out, 32);
    for (const Record& r : records) {
        const auto caplen = static_cast<std::uint32_t>(r.data.size());
        const std::uint32_t padded = (caplen + 3U) & ~3U;
        const std::uint64_t ts = std::uint64_t{r.sec} * 1'000'000'000ULL + r.sub;
        le32(out, 6);  // EPB
        le32(out, 32 + padded);
        le32(out, 0);  // interface 0
        le32(out, static_cast<std::uint32_t>(ts >> 32));
        le32(out, static_cast<std::uint32_t>(ts & 0xffffffffU));
        le32(out, caplen);
        le32(out, caplen);
        out.insert(out.end(), r.data.begin(), r.data.end());
        out.resize(out.size() + (padded - caplen), 0);
        le32(out, 32 + padded);
    }
    return out;
}

// A fresh directory under /tmp, removed with the object.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "tcpvet-capture-XXXXXX").string();
        const char* made = ::mkdtemp(pattern.data());
        REQUIRE(made != nullptr);
        path = made;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] std::string write(const std::string& name, const ByteVec& bytes) const {
        const fs::path file = path / name;
        std::ofstream out(file, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        return file.string();
    }
};

struct Frame {
    std::uint64_t number;
    std::int64_t ts_ns;
    std::uint32_t caplen;
    int link_type;
    std::size_t input_index;
};

// Reads every frame; copies the facts since RawFrame.data is only valid until the next call.
std::vector<Frame> read_all(PacketSource& source) {
    std::vector<Frame> out;
    RawFrame raw;
    while (source.next(raw)) {
        CHECK(raw.data.size() == raw.caplen);
        out.push_back({raw.frame, raw.ts_ns, raw.caplen, raw.link_type, raw.input_index});
    }
    return out;
}

SourceOptions files(std::vector<std::string> paths, std::string filter = {}) {
    SourceOptions options;
    options.files = std::move(paths);
    options.bpf_filter = std::move(filter);
    return options;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// read() system calls this process has made so far (Linux task I/O accounting), or -1.
long read_syscalls() {
    std::ifstream io("/proc/self/io");
    std::string field;
    long value = 0;
    while (io >> field >> value) {
        if (field == "syscr:") return value;
    }
    return -1;
}

}  // namespace

TEST_CASE("packet_source: frames numbered across files, link type and input index per file") {
    TempDir dir;
    const std::string a =
        dir.write("a.pcap", pcap_bytes(k_magic_us, k_linktype_ethernet,
                                       {{1000, 654321, ethernet_tcp(1, 80)}, {1001, 1, ethernet_tcp(80, 1)}}));
    const std::string b = dir.write("b.pcap", pcap_bytes(k_magic_ns, k_linktype_raw,
                                                         {{2000, 123456789, ipv4_tcp(2, 443)},
                                                          {2000, 999999999, ipv4_tcp(443, 2)},
                                                          {2001, 0, ipv4_tcp(2, 443)}}));
    PacketSource source(files({a, b}));
    REQUIRE(source.open());
    CHECK_FALSE(source.is_live());
    const auto progress_before = source.progress();
    CHECK(progress_before.input_count == 2);
    CHECK(progress_before.bytes_total == fs::file_size(a) + fs::file_size(b));

    const std::vector<Frame> frames = read_all(source);
    CHECK_FALSE(source.failed());
    CHECK(source.error().empty());
    REQUIRE(frames.size() == 5);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        CHECK(frames[i].number == i + 1);
    }
    // Microseconds scaled to nanoseconds; nanoseconds kept.
    CHECK(frames[0].ts_ns == 1000LL * 1'000'000'000 + 654'321'000);
    CHECK(frames[1].ts_ns == 1001LL * 1'000'000'000 + 1'000);
    CHECK(frames[2].ts_ns == 2000LL * 1'000'000'000 + 123'456'789);
    CHECK(frames[3].ts_ns == 2000LL * 1'000'000'000 + 999'999'999);
    CHECK(frames[0].link_type == DLT_EN10MB);
    CHECK(frames[1].link_type == DLT_EN10MB);
    CHECK(frames[2].link_type == DLT_RAW);
    CHECK(frames[4].link_type == DLT_RAW);
    CHECK(frames[1].input_index == 0);
    CHECK(frames[2].input_index == 1);
    CHECK(frames[0].caplen == 54);
    CHECK(frames[2].caplen == 40);

    const auto progress_after = source.progress();
    CHECK(progress_after.bytes_done == progress_after.bytes_total);
    // After the end, next() keeps answering false without failing.
    RawFrame raw;
    CHECK_FALSE(source.next(raw));
    CHECK_FALSE(source.failed());
}

TEST_CASE("packet_source: a file is read in large blocks, not stdio's default 4 KiB") {
    // Two inputs (one buffer serves both) of 1,000 frames of 1,054 bytes, ~1 MiB each: 526 reads
    // with glibc's 4 KiB buffer, 12 with 256 KiB (a few of them read_syscalls' own).
    std::vector<Record> records;
    ByteVec frame = ethernet_tcp(1, 80);
    frame.resize(1054, 0x5a);
    for (std::uint32_t i = 0; i < 1000; ++i) records.push_back({i, 0, frame});
    TempDir dir;
    const std::string path = dir.write("big.pcap", pcap_bytes(k_magic_us, k_linktype_ethernet, records));
    if (read_syscalls() < 0) {
        MESSAGE("skipped: no /proc/self/io");
        return;
    }
    PacketSource source(files({path, path}));
    REQUIRE(source.open());
    const long before = read_syscalls();
    const std::vector<Frame> frames = read_all(source);
    const long reads = read_syscalls() - before;
    CHECK_FALSE(source.failed());
    CHECK(frames.size() == 2000);
    CHECK(frames.back().caplen == 1054);
    CHECK(reads < 40);
}

TEST_CASE("packet_source: pcapng with nanosecond resolution") {
    TempDir dir;
    const std::string ng = dir.write(
        "n.pcapng", pcapng_bytes(k_linktype_ethernet,
                                 {{1700000000, 5, ethernet_tcp(1, 2)}, {1700000001, 987654321, ethernet_tcp(2, 1)}}));
    PacketSource source(files({ng}));
    REQUIRE(source.open());
    const auto frames = read_all(source);
    CHECK_FALSE(source.failed());
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].ts_ns == 1700000000LL * 1'000'000'000 + 5);
    CHECK(frames[1].ts_ns == 1700000001LL * 1'000'000'000 + 987'654'321);
    CHECK(frames[1].link_type == DLT_EN10MB);
}

SourceOptions concatenated(std::vector<std::string> paths) {
    SourceOptions options = files(std::move(paths));
    options.concatenate = true;
    return options;
}

TEST_CASE("packet_source: several files merge by timestamp, the later file first on a tie") {
    TempDir dir;
    const std::string a = dir.write(
        "a.pcap", pcap_bytes(k_magic_us, k_linktype_ethernet,
                             {{1, 0, ethernet_tcp(1, 2)}, {3, 0, ethernet_tcp(1, 2)}, {5, 0, ethernet_tcp(1, 2)}}));
    const std::string b =
        dir.write("b.pcap", pcap_bytes(k_magic_ns, k_linktype_raw, {{2, 0, ipv4_tcp(3, 4)}, {3, 0, ipv4_tcp(3, 4)}}));
    PacketSource source(files({a, b}));
    REQUIRE(source.open());
    const auto frames = read_all(source);
    CHECK_FALSE(source.failed());
    REQUIRE(frames.size() == 5);
    const std::vector<std::size_t> want_input = {0, 1, 1, 0, 0};  // at 3 s, b's frame (the later file) first
    const std::vector<std::int64_t> want_s = {1, 2, 3, 3, 5};
    for (std::size_t i = 0; i < frames.size(); ++i) {
        INFO("frame " << i + 1);
        CHECK(frames[i].number == i + 1);
        CHECK(frames[i].input_index == want_input[i]);
        CHECK(frames[i].ts_ns == want_s[i] * 1'000'000'000);
        CHECK(frames[i].link_type == (want_input[i] == 0 ? DLT_EN10MB : DLT_RAW));
    }

    PacketSource joined(concatenated({a, b}));
    REQUIRE(joined.open());
    const auto in_order = read_all(joined);
    REQUIRE(in_order.size() == 5);
    CHECK(in_order[2].ts_ns == 5'000'000'000);
    CHECK(in_order[3].input_index == 1);
}

TEST_CASE("packet_source: a file cut mid-record names file, packet and byte offset, earlier frames stay") {
    TempDir dir;
    ByteVec bytes = pcap_bytes(k_magic_us, k_linktype_ethernet,
                               {{1, 0, ethernet_tcp(1, 2)}, {2, 0, ethernet_tcp(1, 2)}, {3, 0, ethernet_tcp(1, 2)}});
    bytes.erase(bytes.end() - 30, bytes.end());  // the third record keeps its header and 24 of its 54 bytes
    const std::string cut = dir.write("cut.pcap", bytes);
    const std::string other = dir.write(
        "other.pcap",
        pcap_bytes(k_magic_us, k_linktype_ethernet, {{2, 500000, ethernet_tcp(3, 4)}, {9, 0, ethernet_tcp(3, 4)}}));
    const std::size_t third_record = 24 + 2 * (16 + 54);
    const std::string where = cut + ": packet 3 (byte offset " + std::to_string(third_record) + "): ";

    SUBCASE("merged: the damage ends that file only, the other is read to its end") {
        PacketSource source(files({cut, other}));
        REQUIRE(source.open());
        const auto frames = read_all(source);
        REQUIRE(frames.size() == 4);
        CHECK(frames[2].ts_ns == 2'500'000'000);
        CHECK(frames[3].ts_ns == 9'000'000'000);  // after the damage, in time
        CHECK(frames[3].input_index == 1);
        CHECK(source.failed());
        const std::string& error = source.error();
        INFO(error);
        CHECK(error.rfind(where, 0) == 0);  // packet 3 of cut.pcap, whatever came between
        CHECK(contains(error, "truncated"));
        CHECK(error.find('\n') == std::string::npos);
    }
    SUBCASE("concatenated: reading stops at the damage, the file after it is not read") {
        PacketSource source(concatenated({cut, other}));
        REQUIRE(source.open());
        const auto frames = read_all(source);
        CHECK(frames.size() == 2);
        CHECK(source.failed());
        const std::string& error = source.error();
        INFO(error);
        CHECK(error.rfind(where, 0) == 0);
        CHECK(contains(error, "truncated"));
        CHECK(error.find('\n') == std::string::npos);
    }
}

TEST_CASE("packet_source: a missing or bad input is said in one line, the other inputs are still read") {
    TempDir dir;
    const std::string first = dir.write(
        "first.pcap",
        pcap_bytes(k_magic_us, k_linktype_ethernet, {{1, 0, ethernet_tcp(1, 2)}, {4, 0, ethernet_tcp(1, 2)}}));
    const std::string last =
        dir.write("last.pcap", pcap_bytes(k_magic_us, k_linktype_ethernet, {{2, 0, ethernet_tcp(5, 6)}}));
    const std::string text =
        dir.write("notes.txt", ByteVec{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'});
    const std::string missing = (dir.path / "nope.pcap").string();
    const std::string missing_error = missing + ": No such file or directory";
    const std::string text_error = text + ": not a capture file: unknown file format";
    RawFrame raw;

    SUBCASE("merged: a missing second input leaves the first's frames") {
        PacketSource source(files({first, missing}));
        REQUIRE(source.open());
        CHECK(source.failed());  // known as soon as every input is opened
        const auto frames = read_all(source);
        CHECK(frames.size() == 2);
        CHECK(source.failed());
        CHECK(source.error() == missing_error);
        CHECK_FALSE(source.next(raw));
    }
    SUBCASE("merged: a missing or bad input anywhere leaves out only itself") {
        PacketSource source(files({missing, first, text, last}));
        REQUIRE(source.open());
        const auto frames = read_all(source);
        REQUIRE(frames.size() == 3);
        CHECK(frames[0].input_index == 1);
        CHECK(frames[1].input_index == 3);
        CHECK(frames[2].input_index == 1);
        CHECK(source.failed());
        CHECK(source.error() == missing_error + "\n" + text_error);  // one line each, in the order given
    }
    SUBCASE("merged: when no input opens, open() fails with every input's line") {
        PacketSource source(files({text, missing}));
        CHECK_FALSE(source.open());
        CHECK(source.failed());
        CHECK(source.error() == text_error + "\n" + missing_error);
        CHECK_FALSE(source.next(raw));
    }
    SUBCASE("concatenated: a bad or missing second input stops after the first file's frames") {
        for (const auto& [bad, bad_error] : {std::pair{text, text_error}, std::pair{missing, missing_error}}) {
            INFO(bad);
            PacketSource source(concatenated({first, bad, last}));
            REQUIRE(source.open());
            CHECK_FALSE(source.failed());
            const auto frames = read_all(source);
            CHECK(frames.size() == 2);  // last.pcap, after the bad input, is not read
            CHECK(source.failed());
            CHECK(source.error() == bad_error);
            CHECK_FALSE(source.next(raw));
        }
    }
    SUBCASE("concatenated: a directory is reported when its turn comes") {
        PacketSource source(concatenated({first, dir.path.string()}));
        REQUIRE(source.open());
        CHECK(read_all(source).size() == 2);
        CHECK(source.error() == dir.path.string() + ": is a directory, not a capture file");
    }
}

TEST_CASE("packet_source: open errors for text, empty, missing files and directories") {
    TempDir dir;
    SUBCASE("text file") {
        const std::string text = dir.write("x.txt", ByteVec{'n', 'o', 't', ' ', 'a', ' ', 'p', 'c', 'a', 'p'});
        PacketSource source(files({text}));
        CHECK_FALSE(source.open());
        CHECK(source.failed());
        CHECK(source.error() == text + ": not a capture file: unknown file format");
    }
    SUBCASE("empty file") {
        const std::string empty = dir.write("empty.pcap", ByteVec{});
        PacketSource source(files({empty}));
        CHECK_FALSE(source.open());
        CHECK(source.error() == empty + ": file is empty (0 bytes), not a capture file");
    }
    SUBCASE("missing file") {
        const std::string missing = (dir.path / "nope.pcap").string();
        PacketSource source(files({missing}));
        CHECK_FALSE(source.open());
        CHECK(source.error() == missing + ": No such file or directory");
        RawFrame raw;
        CHECK_FALSE(source.next(raw));
    }
    SUBCASE("directory") {
        PacketSource source(files({dir.path.string()}));
        CHECK_FALSE(source.open());
        CHECK(source.error() == dir.path.string() + ": is a directory, not a capture file");
    }
    SUBCASE("no input at all") {
        PacketSource source(SourceOptions{});
        CHECK_FALSE(source.open());
        CHECK_FALSE(source.error().empty());
    }
}

TEST_CASE("packet_source: a BPF filter selects frames, numbered as delivered") {
    TempDir dir;
    const std::string eth = dir.write(
        "eth.pcap",
        pcap_bytes(k_magic_us, k_linktype_ethernet,
                   {{1, 0, ethernet_tcp(1000, 80)}, {2, 0, ethernet_tcp(1000, 22)}, {3, 0, ethernet_tcp(80, 1000)}}));
    // A second file of another link type: the filter is compiled again for it.
    const std::string raw_ip = dir.write(
        "raw.pcap", pcap_bytes(k_magic_ns, k_linktype_raw, {{4, 0, ipv4_tcp(22, 5)}, {5, 0, ipv4_tcp(5, 80)}}));
    PacketSource source(files({eth, raw_ip}, "tcp port 80"));
    REQUIRE(source.open());
    const auto frames = read_all(source);
    CHECK_FALSE(source.failed());
    REQUIRE(frames.size() == 3);
    CHECK(frames[0].number == 1);
    CHECK(frames[0].ts_ns == 1'000'000'000);
    CHECK(frames[1].number == 2);
    CHECK(frames[1].ts_ns == 3'000'000'000);
    CHECK(frames[2].number == 3);
    CHECK(frames[2].ts_ns == 5'000'000'000);
    CHECK(frames[2].link_type == DLT_RAW);
}

TEST_CASE("packet_source: a bad filter names the filter and libpcap's complaint") {
    TempDir dir;
    const std::string eth =
        dir.write("eth.pcap", pcap_bytes(k_magic_us, k_linktype_ethernet, {{1, 0, ethernet_tcp(1, 2)}}));
    PacketSource source(files({eth}, "tcp prot 80"));
    CHECK_FALSE(source.open());
    CHECK(source.failed());
    INFO(source.error());
    CHECK(contains(source.error(), "\"tcp prot 80\""));
    CHECK(contains(source.error(), "syntax error"));
}

TEST_CASE("packet_source: interrupt() stops a file read without failing") {
    TempDir dir;
    const std::string a = dir.write("a.pcap", pcap_bytes(k_magic_us, k_linktype_ethernet,
                                                         {{1, 0, ethernet_tcp(1, 2)}, {2, 0, ethernet_tcp(1, 2)}}));
    PacketSource source(files({a}));
    REQUIRE(source.open());
    RawFrame raw;
    REQUIRE(source.next(raw));
    source.interrupt();
    CHECK_FALSE(source.next(raw));
    CHECK_FALSE(source.failed());
}

TEST_CASE("packet_source: link type names") {
    CHECK(tcpvet::capture::link_type_name(DLT_EN10MB) == "EN10MB");
    CHECK(tcpvet::capture::link_type_name(DLT_LINUX_SLL) == "LINUX_SLL");
    CHECK(tcpvet::capture::link_type_name(4242) == "DLT_4242");
}

TEST_CASE("packet_source: live capture on lo with a port filter and -w") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: live capture needs root");
        return;
    }
    TempDir dir;
    const auto port = static_cast<std::uint16_t>(40000 + (::getpid() % 20000));
    const std::string dump = (dir.path / "live.pcap").string();
    SourceOptions options;
    options.bpf_filter = "udp port " + std::to_string(port);
    options.live.interface = "lo";
    options.live.buffer_timeout_ms = 50;
    options.live.write_path = dump;
    PacketSource source(options);
    CHECK(source.is_live());
    if (!source.open()) {
        MESSAGE("skipped: cannot open lo: " << source.error());
        return;
    }
    CHECK(source.is_live());

    // A safety net: if the packet never arrives, interrupt() ends the wait instead of hanging.
    std::atomic<bool> received{false};
    std::thread watchdog([&] {
        for (int i = 0; i < 100 && !received.load(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!received.load()) {
            source.interrupt();
        }
    });

    const int sock = ::socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(sock >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char payload[] = "tcpvet";
    CHECK(::sendto(sock, payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
          static_cast<ssize_t>(sizeof payload));
    ::close(sock);

    RawFrame raw;
    const bool got = source.next(raw);
    received.store(true);
    watchdog.join();
    REQUIRE(got);
    CHECK(raw.frame == 1);
    CHECK(raw.link_type == DLT_EN10MB);
    CHECK(raw.caplen == 14 + 20 + 8 + sizeof payload);
    CHECK(raw.wire_len == raw.caplen);
    CHECK(raw.ts_ns > 1'600'000'000LL * 1'000'000'000);
    const std::uint32_t caplen = raw.caplen;

    source.interrupt();
    CHECK_FALSE(source.next(raw));
    CHECK_FALSE(source.failed());
    CHECK(source.live_drop_stats().received >= 1);
    source.close();
    CHECK(source.live_drop_stats().received >= 1);

    // Everything delivered was saved to the -w file.
    PacketSource saved(files({dump}));
    REQUIRE(saved.open());
    const auto frames = read_all(saved);
    CHECK_FALSE(saved.failed());
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].caplen == caplen);
}

TEST_CASE("packet_source: -Z with an unknown user fails before opening the device") {
    SourceOptions options;
    options.live.interface = "lo";
    options.live.drop_to_user = "tcpvet-no-such-user";
    PacketSource source(options);
    CHECK_FALSE(source.open());
    CHECK(source.error() == "-Z tcpvet-no-such-user: unknown user");
}

TEST_CASE("packet_source: list_interfaces finds lo") {
    std::string error;
    const auto interfaces = tcpvet::capture::list_interfaces(error);
    if (!error.empty()) {
        MESSAGE("pcap_findalldevs: " << error);
        return;
    }
    bool has_loopback = false;
    for (const auto& info : interfaces) {
        has_loopback = has_loopback || info.loopback;
    }
    CHECK(has_loopback);
}

TEST_CASE("packet_source progress: byte units and the progress line") {
    using tcpvet::capture::format_bytes;
    using tcpvet::capture::format_progress_line;
    using tcpvet::capture::ReadProgress;
    CHECK(format_bytes(812).view() == "812 B");
    CHECK(format_bytes(1536).view() == "1.50 KiB");
    CHECK(format_bytes(23ULL * 1024 * 1024 + 419431).view() == "23.4 MiB");
    CHECK(format_bytes(3ULL << 40).view() == "3.00 TiB");

    ReadProgress half{};
    half.input_count = 1;
    half.bytes_total = 20ULL * 1024 * 1024;
    half.bytes_done = 10ULL * 1024 * 1024;
    CHECK(format_progress_line(half, 150'000, 10.0).view() == " 50.0%  10.0 MiB of 20.0 MiB  15.0k pkt/s  ETA 0:10");

    ReadProgress several = half;
    several.input_count = 3;
    several.input_index = 1;
    CHECK(format_progress_line(several, 150, 3600.0).view() ==
          " 50.0%  10.0 MiB of 20.0 MiB  0 pkt/s  ETA 1:00:00  file 2/3");

    ReadProgress unknown{};
    CHECK(format_progress_line(unknown, 2'600'000, 2.0).view() == "2600000 packets  1.3M pkt/s  0:02 elapsed");
    // Nothing read yet: no division by zero, no ETA.
    CHECK(format_progress_line(half, 0, 0.0).view().find("ETA --:--") != std::string_view::npos);
}

namespace {

// What a ProgressBar writes to stderr over two clock checks k_first_draw_after + 50 ms apart
// (fd 2 redirected to a temporary file meanwhile).
std::string progress_output(bool enabled) {
    using tcpvet::capture::ProgressBar;
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("tcpvet_progress_" + std::to_string(::getpid()) + ".txt");
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(saved >= 0);
    REQUIRE(fd >= 0);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    {
        PacketSource source(SourceOptions{});
        ProgressBar bar(source, enabled);
        std::uint64_t packets = 0;
        for (std::uint32_t i = 0; i < ProgressBar::k_check_every; ++i) bar.tick(++packets);
        std::this_thread::sleep_for(ProgressBar::k_first_draw_after + std::chrono::milliseconds(50));
        for (std::uint32_t i = 0; i < ProgressBar::k_check_every; ++i) bar.tick(++packets);
        bar.finish();
    }
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(path);
    return text;
}

}  // namespace

TEST_CASE("packet_source progress: a disabled bar draws nothing where an enabled one draws") {
    // The enabled bar is the control: the same ticks past k_first_draw_after draw a line and clear it.
    const std::string drawn = progress_output(true);
    CHECK(drawn.find("8192 packets") != std::string::npos);
    CHECK(drawn.ends_with("\r\x1b[K"));
    CHECK(progress_output(false).empty());
}
