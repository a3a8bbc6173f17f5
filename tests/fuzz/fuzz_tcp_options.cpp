// libFuzzer target: the TCP header decoder and the option walk on arbitrary bytes.
//
// Input: bytes 0-1 are the segment length the IP header would claim (big-endian), the rest is the
// captured segment. The whole rest is also walked as an option list on its own, so every option
// layout is reached without first building a valid data offset.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_touch.hpp"
#include "tcpvet/decode/tcp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const auto claimed = static_cast<std::uint32_t>((data[0] << 8U) | data[1]);
    const tcpvet::Bytes segment = std::as_bytes(std::span<const std::uint8_t>(data + 2, size - 2));
    tcpvet::fuzz::Sink sink;

    tcpvet::DecodedPacket packet;
    const tcpvet::decode::TcpResult result = tcpvet::decode::decode_tcp(segment, claimed, packet.tcp);
    sink.add(static_cast<unsigned>(result.status));
    sink.add(static_cast<unsigned>(result.truncated_at));
    sink.add(result.header_len);
    sink.add(result.payload_len);
    tcpvet::fuzz::require(tcpvet::fuzz::within(result.payload, segment));
    if (result.status == tcpvet::decode::TcpStatus::ok) {
        tcpvet::fuzz::require(result.header_len >= 20 && result.header_len <= 60);
        tcpvet::fuzz::require(result.payload.size() <= result.payload_len);
    }
    packet.payload = result.payload;
    packet.payload_captured = static_cast<std::uint32_t>(result.payload.size());
    packet.payload_len = result.payload_len;
    tcpvet::fuzz::touch_packet(sink, packet);

    tcpvet::TcpOptions options;
    tcpvet::decode::decode_tcp_options(segment, options);
    packet.tcp.options = options;
    packet.payload = {};
    tcpvet::fuzz::touch_packet(sink, packet);
    sink.publish();
    return 0;
}
