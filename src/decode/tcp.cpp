// TCP: the fixed header, the option list, and claimed vs captured payload length.
#include "tcpvet/decode/tcp.hpp"

#include <algorithm>
#include <cstddef>

#include "tcpvet/byte_reader.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::size_t k_fixed_header = 20;

// Option kinds (IANA "TCP Option Kind Numbers") and their fixed lengths.
constexpr std::uint8_t k_opt_eol = 0;
constexpr std::uint8_t k_opt_nop = 1;
constexpr std::uint8_t k_opt_mss = 2;             // RFC 9293 §3.2, length 4
constexpr std::uint8_t k_opt_window_scale = 3;    // RFC 7323 §2.2, length 3
constexpr std::uint8_t k_opt_sack_permitted = 4;  // RFC 2018 §2, length 2
constexpr std::uint8_t k_opt_sack = 5;            // RFC 2018 §3, length 2 + 8n
constexpr std::uint8_t k_opt_timestamps = 8;      // RFC 7323 §3.2, length 10

// Decodes one option whose kind/length were already checked to fit; false if the length is
// wrong for a kind with a defined size (Wireshark's "option length invalid").
bool decode_option(std::uint8_t kind, std::uint8_t length, ByteReader body, TcpOptions& out) noexcept {
    switch (kind) {
    case k_opt_mss:
        if (length != 4) {
            return false;
        }
        out.mss = body.be16();
        out.has_mss = true;
        return true;
    case k_opt_window_scale:
        if (length != 3) {
            return false;
        }
        out.window_scale = body.u8();
        out.has_window_scale = true;
        return true;
    case k_opt_sack_permitted:
        if (length != 2) {
            return false;
        }
        out.sack_permitted = true;
        return true;
    case k_opt_sack: {
        const std::size_t blocks = (std::size_t{length} - 2) / 8;
        if ((length - 2) % 8 != 0 || blocks == 0 || blocks > TcpOptions::k_max_sack_blocks) {
            return false;
        }
        out.sack_count = static_cast<std::uint8_t>(blocks);
        for (std::size_t i = 0; i < blocks; ++i) {
            out.sack[i].left = body.be32();
            out.sack[i].right = body.be32();
        }
        return true;
    }
    case k_opt_timestamps:
        if (length != 10) {
            return false;
        }
        out.ts_val = body.be32();
        out.ts_ecr = body.be32();
        out.has_timestamps = true;
        return true;
    default:
        // Fast Open, MPTCP, MD5, AccECN, experiments...: kept as kind/length only.
        if (out.other_count < TcpOptions::k_max_other) {
            out.other[out.other_count] = RawTcpOption{kind, length};
            ++out.other_count;
        }
        return true;
    }
}

}  // namespace

void decode_tcp_options(Bytes options, TcpOptions& out) noexcept {
    ByteReader reader{options};
    // Every iteration consumes at least one byte, so the walk ends within options.size() steps.
    while (reader.remaining() > 0) {
        const std::uint8_t kind = reader.u8();
        if (kind == k_opt_eol) {
            return;  // RFC 9293 §3.2: the rest is padding
        }
        if (kind == k_opt_nop) {
            continue;
        }
        const std::uint8_t length = reader.u8();  // includes kind and length bytes
        if (reader.failed() || length < 2 || std::size_t{length} - 2 > reader.remaining()) {
            out.malformed = true;  // no length byte, a length that cannot advance, or past the end
            return;
        }
        const Bytes body = reader.bytes(std::size_t{length} - 2);
        if (!decode_option(kind, length, ByteReader{body}, out)) {
            out.malformed = true;
            return;
        }
    }
}

TcpResult decode_tcp(Bytes segment, std::uint32_t claimed_len, TcpHeader& out) noexcept {
    TcpResult result;
    out = TcpHeader{};
    if (claimed_len < k_fixed_header) {
        return result;  // malformed: the IP length leaves no room for a TCP header
    }
    // The IP layer already trims to its claimed length; do it again so this stands alone.
    segment = segment.first(std::min<std::size_t>(segment.size(), claimed_len));
    ByteReader reader{segment};
    out.src_port = reader.be16();
    out.dst_port = reader.be16();
    out.seq = reader.be32();
    out.ack = reader.be32();
    const std::uint8_t offset_byte = reader.u8();
    const std::uint8_t flag_byte = reader.u8();
    out.window = reader.be16();
    out.checksum = reader.be16();
    out.urgent_pointer = reader.be16();
    if (reader.failed()) {
        out = TcpHeader{};  // a cut fixed header: report nothing half-read
        result.status = TcpStatus::truncated;
        result.truncated_at = Layer::tcp;
        return result;
    }
    // RFC 9293 §3.1: data offset (4 bits), reserved (3 bits), then AE (RFC 9768) and 8 flags.
    out.data_offset = static_cast<std::uint8_t>(offset_byte >> 4U);
    out.reserved = static_cast<std::uint8_t>((offset_byte >> 1U) & 0x07U);
    out.flags = static_cast<std::uint16_t>(((offset_byte & 0x01U) << 8U) | flag_byte);
    if (out.data_offset < 5) {
        return result;  // malformed
    }
    const std::size_t header_len = std::size_t{out.data_offset} * 4;
    result.header_len = static_cast<std::uint32_t>(header_len);
    if (header_len > claimed_len) {
        // tcp.len would be negative: the header claims more than the IP layer carries.
        return result;  // malformed
    }
    result.status = TcpStatus::ok;
    result.payload_len = claimed_len - result.header_len;

    const std::size_t options_end = std::min(header_len, segment.size());
    decode_tcp_options(segment.subspan(k_fixed_header, options_end - k_fixed_header), out.options);
    if (segment.size() < header_len) {
        // Options cut by the snap length: what was read is kept, nothing of the payload is.
        out.options.malformed = true;
        result.truncated_at = Layer::tcp_options;
        return result;
    }
    result.payload = segment.subspan(header_len);
    if (segment.size() < claimed_len) {
        result.truncated_at = Layer::tcp;  // payload cut: still a TCP packet
    }
    return result;
}

}  // namespace tcpvet::decode
