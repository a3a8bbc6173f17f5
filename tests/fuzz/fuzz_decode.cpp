// libFuzzer target: one frame through the link -> IP -> TCP decoders and the capture counters.
//
// Input: byte 0 picks the link type (low 7 bits, modulo the table below) and, with its high bit,
// claims a wire length 64 bytes longer than the capture (a snaplen-cut frame); the rest is the frame.
// tests/fuzz/make_seeds.sh writes seeds in this form from the testdata captures.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_touch.hpp"
#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/decode/dispatch.hpp"
#include "tcpvet/decode/ip_reassembler.hpp"

namespace {

// DLT values decode_link knows (dispatch.hpp): NULL, EN10MB, RAW (12 and BSD/OS 14), LINKTYPE_RAW,
// LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2. The order is the seed format: do not reorder, append.
constexpr std::array<int, 30> k_link_types = {0,   1,   12,  14,  101, 108, 113, 228, 229, 276, 9,   50,  51,  104, 107,
                                              105, 127, 192, 239, 117, 226, 242, 10,  7,   129, 178, 147, 119, 163, 4};
constexpr std::uint32_t k_cut_extra = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::size_t pick = (data[0] & 0x7FU) % k_link_types.size();
    const int link_type = k_link_types[pick];
    const tcpvet::Bytes frame = std::as_bytes(std::span<const std::uint8_t>(data + 1, size - 1));
    auto wire_len = static_cast<std::uint32_t>(frame.size());
    if ((data[0] & 0x80U) != 0) {
        wire_len += k_cut_extra;
    }

    // Once alone (tshark's ip.defragment:FALSE view), then through a reassembler, which holds a
    // fragment (one frame cannot complete a datagram; fuzz_pipeline feeds whole captures).
    tcpvet::DecodedPacket lone;
    lone.frame = 1;
    tcpvet::decode::decode_frame(link_type, frame, wire_len, lone);
    tcpvet::decode::IpReassembler reassembler;
    tcpvet::DecodedPacket packet;
    packet.frame = 1;
    tcpvet::decode::decode_frame(link_type, frame, wire_len, packet, nullptr, &reassembler);
    tcpvet::fuzz::require(packet.cls == lone.cls || lone.fragment_first || lone.ip_fragment);
    reassembler.finish();
    tcpvet::fuzz::require(reassembler.stats().reassembled == 0);

    tcpvet::fuzz::Sink sink;
    tcpvet::fuzz::require(packet.caplen == frame.size());
    tcpvet::fuzz::require(tcpvet::fuzz::within(packet.payload, frame));
    tcpvet::fuzz::touch_packet(sink, packet);

    tcpvet::capture::CaptureStats stats;
    stats.count(packet);
    tcpvet::fuzz::require(stats.packets == 1);
    sink.add(stats.tcp + stats.non_ip + stats.udp + stats.icmp + stats.other_ip + stats.malformed + stats.truncated);
    sink.publish();
    return 0;
}
