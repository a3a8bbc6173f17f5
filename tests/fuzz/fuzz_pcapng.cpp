// libFuzzer target: pcapng blocks read through PacketSource (libpcap reads the bytes from memory,
// through fmemopen) and every frame they yield decoded.
//
// Input: byte 0, bit 0: the blocks are big-endian; bit 1: the rest is a whole file, taken as it is
// (so the Section Header Block itself is mutated too). Otherwise the target writes a valid Section
// Header Block of that byte order and the rest of the input follows it as blocks (Interface
// Description, Enhanced and Simple Packet, Interface Statistics, Name Resolution, custom, a
// second section...), so mutations spend their time on the blocks and not on the file magic.
// tests/fuzz/make_seeds.sh writes seeds in this form.
//
// libpcap itself is not instrumented (a Debian package): coverage comes from what tcpvet does with
// what libpcap accepts (per-interface link types, timestamp resolutions and offsets, caplen against
// the block and the snaplen, frames cut anywhere), and the checks below.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_touch.hpp"
#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/decode/dispatch.hpp"

namespace {

using tcpvet::fuzz::require;

constexpr std::size_t k_max_frames = 4096;  // keeps each run short
constexpr std::size_t k_shb_size = 28;

// A Section Header Block with no options: type, total length, byte-order magic, version 1.0,
// section length -1 (unknown), total length again.
std::array<std::uint8_t, k_shb_size> section_header(bool big_endian) noexcept {
    const std::array<std::uint32_t, 7> words = {0x0A0D0D0AU, k_shb_size,  0x1A2B3C4DU, 0x00000001U,
                                                0xFFFFFFFFU, 0xFFFFFFFFU, k_shb_size};
    std::array<std::uint8_t, k_shb_size> out{};
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::uint32_t word = words[i];
        if (i == 3) {
            // Major 1, minor 0: two 16-bit fields, each in the section's byte order.
            word = big_endian ? 0x00010000U : 0x00000001U;
        }
        for (std::size_t b = 0; b < 4; ++b) {
            const std::size_t shift = big_endian ? 24 - 8 * b : 8 * b;
            out[4 * i + b] = static_cast<std::uint8_t>(word >> shift);
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const bool big_endian = (data[0] & 0x01U) != 0;
    const bool whole_file = (data[0] & 0x02U) != 0;
    std::vector<std::uint8_t> file;
    file.reserve(size + k_shb_size);
    if (!whole_file) {
        const std::array<std::uint8_t, k_shb_size> shb = section_header(big_endian);
        file.insert(file.end(), shb.begin(), shb.end());
    }
    file.insert(file.end(), data + 1, data + size);
    if (file.empty()) {
        return 0;
    }

    tcpvet::capture::SourceOptions options;
    options.memory = std::as_bytes(std::span<const std::uint8_t>(file));
    tcpvet::capture::PacketSource source(options);
    tcpvet::fuzz::Sink sink;
    if (!source.open()) {
        require(source.failed() && !source.error().empty());
        return 0;
    }
    tcpvet::capture::CaptureStats stats;
    tcpvet::capture::RawFrame frame;
    std::uint64_t frames = 0;
    while (frames < k_max_frames && source.next(frame)) {
        ++frames;
        require(frame.frame == frames);
        require(frame.data.size() == frame.caplen);
        require(frame.input_index == 0);
        sink.add(frame.ts_ns);
        sink.add(frame.wire_len);
        sink.add_bytes(frame.data);  // libpcap's buffer, read to its claimed end
        tcpvet::DecodedPacket packet;
        packet.frame = frame.frame;
        packet.ts_ns = frame.ts_ns;
        tcpvet::decode::decode_frame(frame.link_type, frame.data, frame.wire_len, packet);
        require(packet.caplen == frame.caplen);
        require(tcpvet::fuzz::within(packet.payload, frame.data));
        tcpvet::fuzz::touch_packet(sink, packet);
        stats.count(packet);
    }
    // Reading stops at the end, at the cap, or on an error that says where.
    require(!source.failed() || !source.error().empty());
    require(stats.packets == frames);
    const tcpvet::capture::ReadProgress progress = source.progress();
    sink.add(progress.bytes_done);
    sink.add(stats.tcp + stats.malformed + stats.truncated);
    sink.publish();
    return 0;
}
