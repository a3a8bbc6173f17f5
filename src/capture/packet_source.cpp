// libpcap packet source: capture files merged in time or read in order as one stream (pcap, pcap-ns, pcapng, stdin) or
// a live device.
#include "tcpvet/capture/packet_source.hpp"

#include <grp.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "tcpvet/capture/compressed_input.hpp"

namespace tcpvet::capture {
namespace {

constexpr std::int64_t k_ns_per_s = 1'000'000'000;
constexpr std::int64_t k_ns_per_us = 1'000;

struct Input {
    std::string path;
    bool is_stdin = false;
    bool is_memory = false;  // SourceOptions::memory, read through fmemopen
    bool is_directory = false;
    int stat_errno = 0;      // why stat() failed (a missing file), reported when the input is opened
    std::uint64_t size = 0;  // st_size of a regular file, else 0
};

std::string display_name(const Input& input) { return input.is_stdin ? std::string("stdin") : input.path; }

std::string errno_text(int err) { return std::strerror(err); }

bool starts_with(const char* text, const char* prefix) { return std::strncmp(text, prefix, std::strlen(prefix)) == 0; }

// The text tcpdump prints for a pcap_activate() result: the generic codes carry their detail in
// pcap_geterr(), the specific ones get the status name plus the detail when there is one. The
// caller prefixes the device name, so a detail that starts with it drops it, and a detail that
// only repeats the status name is left out ("No such device exists (No such device exists)").
std::string activate_message(pcap_t* handle, int status, const std::string& device) {
    std::string_view detail = pcap_geterr(handle) != nullptr ? pcap_geterr(handle) : "";
    if (const std::string prefix = device + ": "; detail.starts_with(prefix)) detail.remove_prefix(prefix.size());
    if ((status == PCAP_ERROR || status == PCAP_WARNING) && !detail.empty()) {
        return std::string(detail);
    }
    std::string message = pcap_statustostr(status);
    if (!detail.empty() && detail != message) {
        message += " (";
        message += detail;
        message += ')';
    }
    return message;
}

}  // namespace

struct PacketSource::Impl {
    SourceOptions options;
    std::vector<Input> inputs;
    std::size_t current = 0;  // index into `inputs` of the open file

    pcap_t* handle = nullptr;
    std::atomic<pcap_t*> live_handle{nullptr};  // what interrupt() may break; null unless live
    pcap_dumper_t* dumper = nullptr;
    // -w: our own stdio buffer, flushed before a record would not fit, so the file on disk always
    // ends on a record boundary: even a capture killed outright (a second Ctrl-C) reads cleanly.
    std::unique_ptr<char[]> dump_buffer;
    std::size_t dump_pending = 0;  // bytes in dump_buffer not yet written
    FILE* file = nullptr;          // pcap_file(handle) for files
    // The stdio buffer of a regular file we opened. glibc ignores setvbuf's size when it is given
    // no buffer and allocates st_blksize (4 KiB): a read() per four packets of 1 KB.
    std::unique_ptr<char[]> file_buffer;
    bool seekable = false;  // ftell works on `file` (not a pipe)
    bool classic = false;   // classic pcap: a record is a 16-byte header plus caplen bytes
    std::uint32_t records_since_ftell = 0;
    bool nano = true;  // timestamps of `handle` are in nanoseconds
    int link_type = 0;
    Compression compression = Compression::none;  // of the open input

    std::uint64_t frames = 0;
    std::uint64_t bytes_total = 0;
    std::uint64_t bytes_before = 0;   // bytes of the inputs already read to their end
    std::uint64_t record_offset = 0;  // where the next record starts in the open file

    // -Z: resolved before the device is opened, applied after it (and the dump file) are.
    bool drop_privileges = false;
    std::string drop_user;
    uid_t drop_uid = 0;
    gid_t drop_gid = 0;

    std::atomic<bool> interrupted{false};
    bool opened = false;
    bool done = false;
    bool failed = false;
    bool live = false;
    std::string error;
    std::vector<std::string> warnings;
    LiveDropStats final_stats{};

    // Merged reading of several files: one single-file source per input, each with its next
    // frame waiting; the frame returned last belongs to `merge_last`, whose view stays valid
    // until that source is advanced on the following call.
    bool merging = false;
    std::vector<std::unique_ptr<PacketSource>> parts;
    std::vector<RawFrame> part_frames;
    std::vector<bool> part_pending;
    std::size_t merge_last = 0;
    bool merge_started = false;

    // Per input: the latest timestamp seen, frames read, and whether its backwards warning was said.
    std::vector<std::int64_t> latest_ts;
    std::vector<std::uint64_t> input_frames;
    std::vector<bool> backwards_warned;

    // What a read error of a compressed input means: its stream is corrupt or cut short.
    [[nodiscard]] std::string compressed_note() const {
        if (compression == Compression::none) return {};
        return std::string(" (") + compression_name(compression) + " data corrupt or cut short)";
    }

    bool fail(std::string message) {
        error = std::move(message);
        failed = true;
        done = true;
        return false;
    }

    bool open_files();
    bool open_merged();
    void advance_part(std::size_t index);
    void input_failed(const std::string& message);
    bool next_merged(RawFrame& frame);
    void check_backwards(const RawFrame& frame);
    bool open_memory();
    bool open_input(std::size_t index);
    bool apply_filter(const std::string& where);
    bool open_live();
    bool resolve_user(const std::string& user);
    bool drop_to_user();
    bool next_file(RawFrame& frame);
    bool next_live(RawFrame& frame);
    bool open_dump(const std::string& path);
    void dump(const pcap_pkthdr& header, const u_char* data) noexcept;
    void flush_dump() noexcept;
    void fill(RawFrame& frame, const pcap_pkthdr& header, const u_char* data) noexcept;
    void close_handle() noexcept;
    [[nodiscard]] LiveDropStats read_live_stats() const noexcept;
};

bool PacketSource::Impl::open_files() {
    bool stdin_seen = false;
    inputs.reserve(options.files.size());
    for (const std::string& path : options.files) {
        Input input;
        input.path = path;
        input.is_stdin = path == "-";
        struct stat st {};
        if (input.is_stdin) {
            if (stdin_seen) {
                return fail("-: standard input given more than once");
            }
            stdin_seen = true;
            // `tcpvet - < big.pcap` still gets a size for the progress bar.
            if (::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
                input.size = static_cast<std::uint64_t>(st.st_size);
            }
        } else {
            // A missing file is reported when its turn to be opened comes, like a file that is not a
            // capture: the inputs before it (concatenated) or beside it (merged) are still analysed.
            if (::stat(path.c_str(), &st) != 0) {
                input.stat_errno = errno;
            } else if (S_ISDIR(st.st_mode)) {
                input.is_directory = true;
            } else if (S_ISREG(st.st_mode)) {
                input.size = static_cast<std::uint64_t>(st.st_size);
            }
        }
        bytes_total += input.size;
        inputs.push_back(std::move(input));
    }
    latest_ts.assign(inputs.size(), 0);
    input_frames.assign(inputs.size(), 0);
    backwards_warned.assign(inputs.size(), false);
    if (inputs.size() > 1 && !options.concatenate) {
        return open_merged();
    }
    return open_input(0);
}

// Every input is opened here, before the first frame. An input that cannot be opened (missing,
// not a capture, a bad filter for its link type) leaves the merge with its error said; the
// merge fails only when no input is left.
bool PacketSource::Impl::open_merged() {
    merging = true;
    part_frames.resize(inputs.size());
    part_pending.assign(inputs.size(), false);
    for (const Input& input : inputs) {
        SourceOptions part;
        part.files = {input.path};
        part.bpf_filter = options.bpf_filter;
        parts.push_back(std::make_unique<PacketSource>(std::move(part)));
    }
    bool any_open = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (!parts[i]->open()) {
            input_failed(parts[i]->error());
            continue;
        }
        any_open = true;
        advance_part(i);
    }
    if (!any_open) {
        done = true;
        return false;
    }
    return true;
}

// Reads the next frame of one input into its slot. A fault mid-file (a cut record, an unreadable
// block) ends that input only: its earlier frames stay, the other inputs are read to their end.
// (mergecap stops its whole output at the first fault; a report of every input but the damaged
// one's tail says more.)
void PacketSource::Impl::advance_part(std::size_t index) {
    PacketSource& part = *parts[index];
    part_pending[index] = part.next(part_frames[index]);
    if (!part_pending[index] && part.failed()) input_failed(part.error());
}

void PacketSource::Impl::input_failed(const std::string& message) {
    if (!error.empty()) error += '\n';
    error += message;
    failed = true;
}

bool PacketSource::Impl::next_merged(RawFrame& frame) {
    if (interrupted.load(std::memory_order_relaxed)) {
        done = true;
        return false;
    }
    if (merge_started) advance_part(merge_last);
    merge_started = true;
    // The earliest waiting frame. On equal timestamps the file given last wins: mergecap's
    // merge_read_packet keeps a later file when its frame is not later (is_earlier() is <=),
    // checked by experiment with mergecap 4.0. A linear scan: inputs are a handful of files.
    std::size_t best = parts.size();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (part_pending[i] && (best == parts.size() || part_frames[i].ts_ns <= part_frames[best].ts_ns)) best = i;
    }
    if (best == parts.size()) {
        done = true;
        return false;
    }
    merge_last = best;
    current = best;
    frame = part_frames[best];
    frame.frame = ++frames;
    frame.input_index = best;
    return true;
}

void PacketSource::Impl::check_backwards(const RawFrame& frame) {
    const std::size_t index = frame.input_index;
    if (index >= latest_ts.size()) return;  // memory and live inputs are not checked
    const std::uint64_t own = ++input_frames[index];
    if (own == 1 || frame.ts_ns > latest_ts[index]) {
        latest_ts[index] = frame.ts_ns;
        return;
    }
    if (backwards_warned[index] || latest_ts[index] - frame.ts_ns <= k_backwards_warning_ns) return;
    backwards_warned[index] = true;
    if (!options.on_warning) return;
    const std::int64_t step_ms = (latest_ts[index] - frame.ts_ns) / 1'000'000;
    options.on_warning(display_name(inputs[index]) + ": frame " + std::to_string(own) + " of the file (frame " +
                       std::to_string(frame.frame) + " of the input) is " + std::to_string(step_ms) +
                       " ms earlier than an earlier frame of that file; kept in the file's order, as mergecap does");
}

bool PacketSource::Impl::open_memory() {
    Input input;
    input.path = "memory";
    input.is_memory = true;
    input.size = options.memory.size();
    bytes_total = input.size;
    inputs.push_back(std::move(input));
    return open_input(0);
}

namespace {
// fmemopen in read mode never writes to the buffer; its prototype just predates const.
FILE* open_memory_file(Bytes memory) { return ::fmemopen(const_cast<std::byte*>(memory.data()), memory.size(), "rb"); }
}  // namespace

bool PacketSource::Impl::open_input(std::size_t index) {
    current = index;
    const Input& input = inputs[index];
    const std::string name = display_name(input);
    if (input.stat_errno != 0) {
        return fail(name + ": " + errno_text(input.stat_errno));
    }
    if (input.is_directory) {
        return fail(name + ": is a directory, not a capture file");
    }

    // We open the FILE ourselves so the messages and the empty-file check are ours; libpcap's
    // own open would say "truncated dump file; tried to read 4 file header bytes" for 0 bytes.
    FILE* fp = input.is_stdin    ? stdin
               : input.is_memory ? open_memory_file(options.memory)
                                 : std::fopen(input.path.c_str(), "rb");
    if (fp == nullptr) {
        return fail(name + ": " + errno_text(errno));
    }
    struct stat st {};
    const bool regular = ::fstat(::fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && st.st_size == 0) {
        if (fp != stdin) {
            std::fclose(fp);
        }
        return fail(name + ": file is empty (0 bytes), not a capture file");
    }
    // A large buffer: the default 4 KiB costs a read() per few packets.
    if (regular && fp != stdin && !input.is_memory) {
        constexpr std::size_t k_file_buffer_bytes = std::size_t{1} << 18;
        if (!file_buffer) file_buffer = std::make_unique_for_overwrite<char[]>(k_file_buffer_bytes);
        std::setvbuf(fp, file_buffer.get(), _IOFBF, k_file_buffer_bytes);
    }
    // Only the thread that reads packets ever touches a FILE we opened, so stdio need not lock it:
    // libpcap calls fread twice a packet, and each call otherwise takes and releases the lock.
    if (fp != stdin) ::__fsetlocking(fp, FSETLOCKING_BYCALLER);
    // gzip and zstd captures (known by their magic, not their name) read through a decompressing stream.
    FILE* const decompressed = open_decompressed(fp, compression);
    if (decompressed == nullptr) {
        const int err = errno;
        if (fp != stdin) std::fclose(fp);
        return fail(name + ": cannot decompress: " + errno_text(err));
    }
    fp = decompressed;
    if (compression != Compression::none) ::__fsetlocking(fp, FSETLOCKING_BYCALLER);
    // Classic pcap records have a fixed header, so record offsets are counted rather than asked
    // for: an ftell() per packet is an lseek() system call.
    classic = false;
    if (regular && !input.is_memory && compression == Compression::none) {
        unsigned char magic[4] = {};
        if (std::fread(magic, 1, sizeof(magic), fp) == sizeof(magic)) {
            const std::uint32_t be = (std::uint32_t{magic[0]} << 24) | (std::uint32_t{magic[1]} << 16) |
                                     (std::uint32_t{magic[2]} << 8) | magic[3];
            classic = be == 0xa1b2c3d4U || be == 0xd4c3b2a1U || be == 0xa1b23c4dU || be == 0x4d3cb2a1U;
        }
        std::rewind(fp);
    }

    char errbuf[PCAP_ERRBUF_SIZE];
    errbuf[0] = '\0';
    // NANO precision: pcap-ns and pcapng keep their nanoseconds, microsecond files are scaled up.
    pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) {
        // pcap_fopen_offline leaves the FILE open on failure (pcap_open_offline would close it).
        if (fp != stdin) {
            std::fclose(fp);
        }
        if (starts_with(errbuf, "error reading dump file")) {
            return fail(name + ": " + errbuf + compressed_note());
        }
        // Not even the 4-byte magic (an empty pipe). Once the magic is read, a short header is
        // reported by libpcap as "truncated", not as empty.
        if (std::strstr(errbuf, "tried to read 4 file header bytes, only got 0") != nullptr) {
            return fail(name + ": input is empty, not a capture file");
        }
        return fail(name + ": not a capture file: " + errbuf);
    }
    handle = p;
    file = pcap_file(p);
    nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    link_type = pcap_datalink(p);
    const long offset = file != nullptr ? std::ftell(file) : -1L;
    seekable = offset >= 0;
    record_offset = seekable ? static_cast<std::uint64_t>(offset) : 0;
    return apply_filter(name);
}

bool PacketSource::Impl::apply_filter(const std::string& where) {
    if (options.bpf_filter.empty()) {
        return true;
    }
    // Compiled per handle: each file may have another link type. The netmask only matters for
    // "ip broadcast", which is then refused, as tcpdump does on files.
    bpf_program program{};
    if (pcap_compile(handle, &program, options.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        return fail(where + ": bad capture filter \"" + options.bpf_filter + "\": " + pcap_geterr(handle));
    }
    const int status = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (status != 0) {
        return fail(where + ": cannot apply capture filter \"" + options.bpf_filter + "\": " + pcap_geterr(handle));
    }
    return true;
}

bool PacketSource::Impl::resolve_user(const std::string& user) {
    errno = 0;
    const passwd* entry = ::getpwnam(user.c_str());
    if (entry == nullptr) {
        const int err = errno;
        std::string message = "-Z " + user + ": unknown user";
        if (err != 0 && err != ENOENT && err != ESRCH) {
            message += " (" + errno_text(err) + ")";
        }
        return fail(message);
    }
    drop_privileges = true;
    drop_user = entry->pw_name;
    drop_uid = entry->pw_uid;
    drop_gid = entry->pw_gid;
    return true;
}

// As tcpdump's droproot(): supplementary groups first, then the group, then the user, since
// after setuid the process may no longer change its groups.
bool PacketSource::Impl::drop_to_user() {
    if (::initgroups(drop_user.c_str(), drop_gid) != 0 || ::setgid(drop_gid) != 0 || ::setuid(drop_uid) != 0) {
        return fail("-Z " + drop_user + ": cannot change to that user: " + errno_text(errno));
    }
    return true;
}

bool PacketSource::Impl::open_live() {
    live = true;
    const LiveOptions& opts = options.live;
    const std::string& name = opts.interface;
    if (!opts.drop_to_user.empty() && !resolve_user(opts.drop_to_user)) {
        return false;  // before touching the device or creating the -w file
    }

    char errbuf[PCAP_ERRBUF_SIZE];
    errbuf[0] = '\0';
    pcap_t* p = pcap_create(name.c_str(), errbuf);
    if (p == nullptr) {
        return fail(name + ": " + errbuf);
    }
    handle = p;
    pcap_set_snaplen(p, opts.snaplen);
    pcap_set_promisc(p, opts.promiscuous ? 1 : 0);
    // The timeout makes pcap_next_ex() return 0 now and then, so interrupt() and --duration are
    // noticed even on an idle link; immediate mode delivers each packet as it arrives.
    pcap_set_timeout(p, opts.buffer_timeout_ms);
    pcap_set_immediate_mode(p, 1);
    // Best effort: where the device cannot give nanoseconds libpcap keeps microseconds.
    (void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

    const int status = pcap_activate(p);
    if (status < 0) {
        return fail(name + ": " + activate_message(p, status, name));
    }
    if (status > 0) {
        warnings.push_back(name + ": warning: " + activate_message(p, status, name));
    }
    nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    link_type = pcap_datalink(p);
    if (!apply_filter(name)) {
        return false;
    }
    if (!opts.write_path.empty() && !open_dump(opts.write_path)) {
        return false;
    }
    if (drop_privileges && !drop_to_user()) {
        return false;
    }
    inputs.push_back(Input{name, false, 0});
    live_handle.store(p);
    return true;
}

// A frame's time in ns since the epoch. The header is file data, hostile like the packet: a
// pcapng timestamp far in the future overflows 64-bit nanoseconds, so the sum saturates instead.
static std::int64_t timestamp_ns(const timeval& ts, bool nano) noexcept {
    const auto sub = static_cast<std::int64_t>(ts.tv_usec);  // ns when `nano`
    std::int64_t seconds_ns = 0;
    std::int64_t sub_ns = 0;
    std::int64_t total = 0;
    if (__builtin_mul_overflow(static_cast<std::int64_t>(ts.tv_sec), k_ns_per_s, &seconds_ns) ||
        __builtin_mul_overflow(sub, nano ? std::int64_t{1} : k_ns_per_us, &sub_ns) ||
        __builtin_add_overflow(seconds_ns, sub_ns, &total)) {
        return ts.tv_sec < 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    }
    return total;
}

void PacketSource::Impl::fill(RawFrame& frame, const pcap_pkthdr& header, const u_char* data) noexcept {
    // Frames are numbered as libpcap delivers them. With a BPF filter, libpcap hands over only
    // matching frames, so the numbers are those of the filtered stream (unlike tshark -Y, which
    // keeps the file's numbering; tshark -f cannot filter a file at all).
    frame.frame = ++frames;
    frame.ts_ns = timestamp_ns(header.ts, nano);
    frame.caplen = header.caplen;
    frame.wire_len = header.len;
    frame.link_type = link_type;
    frame.input_index = current;
    // A view into libpcap's buffer, valid until the next pcap_next_ex(): no copy per packet.
    frame.data = std::as_bytes(std::span<const u_char>(data, header.caplen));
}

bool PacketSource::Impl::next_file(RawFrame& frame) {
    for (;;) {
        if (interrupted.load(std::memory_order_relaxed)) {
            done = true;
            return false;
        }
        // Where this record starts, for the error message and the progress bar: counted for
        // classic pcap, asked of ftell() (a system call) every 1024 records for pcapng.
        if (seekable && !classic && (++records_since_ftell & 1023U) == 1U) {
            const long offset = std::ftell(file);
            if (offset >= 0) {
                record_offset = static_cast<std::uint64_t>(offset);
            }
        }
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        const int status = pcap_next_ex(handle, &header, &data);
        if (status == 1) {
            fill(frame, *header, data);
            if (classic) record_offset += 16U + header->caplen;
            return true;
        }
        if (seekable && !classic && status != PCAP_ERROR_BREAK) {
            const long offset = std::ftell(file);
            if (offset >= 0) record_offset = static_cast<std::uint64_t>(offset);
        }
        if (status == PCAP_ERROR_BREAK) {  // the end of this file
            bytes_before += seekable ? record_offset : 0;
            close_handle();
            if (current + 1 >= inputs.size()) {
                done = true;
                return false;
            }
            if (!open_input(current + 1)) {
                return false;
            }
            continue;
        }
        // A cut record, a caplen beyond the maximum, an unreadable pcapng block: stop here, and
        // say where, numbering the record as it would have been numbered.
        std::string message = display_name(inputs[current]) + ": packet " + std::to_string(frames + 1);
        if (seekable) {
            // pcapng: where libpcap stopped reading, which is at or after the failing block's start.
            message += (classic ? " (byte offset " : " (near byte offset ") + std::to_string(record_offset) + ")";
        }
        message += ": ";
        message += pcap_geterr(handle);
        message += compressed_note();
        return fail(std::move(message));
    }
}

bool PacketSource::Impl::next_live(RawFrame& frame) {
    for (;;) {
        if (interrupted.load(std::memory_order_relaxed)) {
            done = true;
            return false;
        }
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        const int status = pcap_next_ex(handle, &header, &data);
        if (status == 1) {
            fill(frame, *header, data);
            if (dumper != nullptr) dump(*header, data);
            return true;
        }
        if (status == 0) {  // read timeout: nothing arrived; a cheap moment to push the dump out
            flush_dump();
            continue;
        }
        if (status == PCAP_ERROR_BREAK) {  // pcap_breakloop() from interrupt()
            done = true;
            return false;
        }
        return fail(options.live.interface + ": " + pcap_geterr(handle));  // e.g. the device went away
    }
}

constexpr std::size_t k_dump_buffer_bytes = std::size_t{1} << 20;  // above any record (16 + snaplen <= 262160)
constexpr std::size_t k_dump_record_header = 16;

bool PacketSource::Impl::open_dump(const std::string& path) {
    FILE* fp = std::fopen(path.c_str(), "wb");
    if (fp == nullptr) {
        return fail(path + ": cannot create: " + errno_text(errno));
    }
    dump_buffer = std::make_unique_for_overwrite<char[]>(k_dump_buffer_bytes);
    std::setvbuf(fp, dump_buffer.get(), _IOFBF, k_dump_buffer_bytes);
    // The dump file takes the handle's precision: with nanoseconds it is a pcap-ns file.
    dumper = pcap_dump_fopen(handle, fp);
    if (dumper == nullptr) {
        std::fclose(fp);
        return fail(path + ": " + pcap_geterr(handle));
    }
    (void)pcap_dump_flush(dumper);  // the file header: tshark can open the file from the start
    return true;
}

void PacketSource::Impl::dump(const pcap_pkthdr& header, const u_char* data) noexcept {
    const std::size_t record = k_dump_record_header + header.caplen;
    if (dump_pending + record > k_dump_buffer_bytes) flush_dump();
    // pcap_dump's first parameter is the dumper passed as the pcap_handler user pointer.
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, data);
    dump_pending += record;
}

void PacketSource::Impl::flush_dump() noexcept {
    if (dumper == nullptr) return;
    (void)pcap_dump_flush(dumper);
    dump_pending = 0;
}

LiveDropStats PacketSource::Impl::read_live_stats() const noexcept {
    LiveDropStats out{};
    if (!live || handle == nullptr) {
        return final_stats;
    }
    pcap_stat st{};
    if (pcap_stats(handle, &st) == 0) {
        out.received = st.ps_recv;
        out.dropped_by_kernel = st.ps_drop;
        out.dropped_by_interface = st.ps_ifdrop;
    }
    return out;
}

void PacketSource::Impl::close_handle() noexcept {
    if (dumper != nullptr) {
        flush_dump();
        pcap_dump_close(dumper);
        dumper = nullptr;
    }
    if (handle != nullptr) {
        if (live) {
            final_stats = read_live_stats();
            // interrupt() must not reach a closed handle.
            live_handle.store(nullptr);
        }
        pcap_close(handle);  // also fcloses the FILE of a file (stdin included)
        handle = nullptr;
        file = nullptr;
    }
}

PacketSource::PacketSource(SourceOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = std::move(options);
}

PacketSource::~PacketSource() { close(); }

bool PacketSource::open() {
    Impl& impl = *m_impl;
    if (impl.opened) {
        return !impl.failed;
    }
    impl.opened = true;
    if (!impl.options.files.empty()) {
        return impl.open_files();
    }
    if (!impl.options.memory.empty()) {
        return impl.open_memory();
    }
    if (!impl.options.live.interface.empty()) {
        return impl.open_live();
    }
    return impl.fail("no input: give capture files or an interface");
}

bool PacketSource::next(RawFrame& frame) {
    Impl& impl = *m_impl;
    if (impl.done) {
        return false;
    }
    if (!impl.opened || (impl.handle == nullptr && !impl.merging)) {
        return impl.fail("next() called on a packet source that is not open");
    }
    if (impl.live) return impl.next_live(frame);
    const bool got = impl.merging ? impl.next_merged(frame) : impl.next_file(frame);
    if (got) impl.check_backwards(frame);
    return got;
}

void PacketSource::interrupt() noexcept {
    // Only an atomic store and pcap_breakloop (which writes to an eventfd on Linux): nothing
    // that allocates or locks, so this may run in a signal handler.
    m_impl->interrupted.store(true, std::memory_order_relaxed);
    if (pcap_t* p = m_impl->live_handle.load(); p != nullptr) {
        pcap_breakloop(p);
    }
}

void PacketSource::close() noexcept {
    for (const std::unique_ptr<PacketSource>& part : m_impl->parts) part->close();
    m_impl->close_handle();
    m_impl->done = true;
}

bool PacketSource::failed() const noexcept { return m_impl->failed; }

const std::string& PacketSource::error() const noexcept { return m_impl->error; }

ReadProgress PacketSource::progress() const noexcept {
    const Impl& impl = *m_impl;
    ReadProgress out;
    out.input_count = impl.inputs.size();
    out.input_index = impl.current;
    out.bytes_total = impl.bytes_total;
    out.bytes_done = impl.bytes_before;
    for (const std::unique_ptr<PacketSource>& part : impl.parts) out.bytes_done += part->progress().bytes_done;
    if (impl.handle != nullptr && !impl.live && impl.seekable) {
        out.bytes_done += impl.record_offset;
    }
    return out;
}

LiveDropStats PacketSource::live_drop_stats() const noexcept { return m_impl->read_live_stats(); }

bool PacketSource::is_live() const noexcept {
    return m_impl->live || (m_impl->options.files.empty() && !m_impl->options.live.interface.empty());
}

const std::vector<std::string>& PacketSource::warnings() const noexcept { return m_impl->warnings; }

std::vector<InterfaceInfo> list_interfaces(std::string& error) {
    std::vector<InterfaceInfo> out;
    pcap_if_t* devices = nullptr;
    char errbuf[PCAP_ERRBUF_SIZE];
    errbuf[0] = '\0';
    if (pcap_findalldevs(&devices, errbuf) != 0) {
        error = errbuf;
        return out;
    }
    for (const pcap_if_t* device = devices; device != nullptr; device = device->next) {
        InterfaceInfo info;
        info.name = device->name;
        info.description = device->description != nullptr ? device->description : "";
        info.loopback = (device->flags & PCAP_IF_LOOPBACK) != 0;
        info.up = (device->flags & PCAP_IF_UP) != 0;
        out.push_back(std::move(info));
    }
    pcap_freealldevs(devices);
    return out;
}

std::string link_type_name(int link_type) {
    if (const char* name = pcap_datalink_val_to_name(link_type); name != nullptr) {
        return name;
    }
    return "DLT_" + std::to_string(link_type);
}

}  // namespace tcpvet::capture
