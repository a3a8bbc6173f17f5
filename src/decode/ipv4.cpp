// IPv4 (RFC 791): header with options, checksum, fragments, claimed vs captured length.
#include "tcpvet/decode/ipv4.hpp"

#include <algorithm>
#include <cstddef>

#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/checksum.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::size_t k_min_header = 20;
constexpr std::uint16_t k_flag_more_fragments = 0x2000;
constexpr std::uint16_t k_fragment_offset_mask = 0x1fff;

void read_address(ByteReader& reader, IpAddress& address) noexcept {
    address.family = 4;
    for (std::size_t i = 0; i < 4; ++i) {
        address.bytes[i] = reader.u8();
    }
}

}  // namespace

IpResult decode_ipv4(Bytes packet, std::uint32_t reported_len) noexcept {
    IpResult result;
    ByteReader reader{packet};
    const std::uint8_t version_ihl = reader.u8();
    reader.skip(1);  // DSCP/ECN
    const std::uint16_t total_length = reader.be16();
    const std::uint16_t identification = reader.be16();
    const std::uint16_t flags_offset = reader.be16();
    result.ttl = reader.u8();
    result.protocol = reader.u8();
    reader.skip(2);  // header checksum, verified over the whole header below
    read_address(reader, result.src);
    read_address(reader, result.dst);
    result.version = static_cast<std::uint8_t>(version_ihl >> 4U);
    if (reader.failed()) {
        result.src = {};
        result.dst = {};
        // The version nibble is only trusted if it was captured at all.
        result.status = (!packet.empty() && result.version != 4) ? IpStatus::malformed : IpStatus::truncated;
        return result;
    }
    if (result.version != 4) {
        result.status = IpStatus::malformed;
        return result;
    }
    const std::size_t header_len = std::size_t{version_ihl & 0x0fU} * 4;
    if (header_len < k_min_header) {
        result.status = IpStatus::malformed;
        return result;
    }
    if (header_len > packet.size()) {
        // Options cut by the snap length: the header checksum cannot be checked.
        result.status = IpStatus::truncated;
        return result;
    }
    result.header_checksum = verify_ipv4_header(packet.first(header_len));

    const bool more_fragments = (flags_offset & k_flag_more_fragments) != 0;
    const bool nonzero_offset = (flags_offset & k_fragment_offset_mask) != 0;
    result.fragment = more_fragments || nonzero_offset;
    result.first_fragment = more_fragments && !nonzero_offset;

    std::size_t claimed = total_length;
    if (total_length == 0) {
        // A length of 0 is what TSO/GSO leaves in packets captured on the sending host
        // (Wireshark: "may be caused by TCP segmentation offload"); trust the wire length.
        claimed = std::max<std::size_t>(reported_len, packet.size());
        result.checksum_verifiable = false;
    }
    if (claimed < header_len) {
        result.status = IpStatus::malformed;
        return result;
    }
    // Never mix the two lengths: read what was captured, but only up to what the header
    // claims, which drops Ethernet padding after short packets.
    const std::size_t end = std::min(claimed, packet.size());
    result.upper = packet.subspan(header_len, end - header_len);
    result.upper_claimed = static_cast<std::uint32_t>(claimed - header_len);
    if (result.fragment) {
        result.more_fragments = more_fragments;
        result.fragment_protocol = result.protocol;
        result.fragment_id = identification;
        result.fragment_offset = static_cast<std::uint32_t>(flags_offset & k_fragment_offset_mask) * 8;
        result.fragment_data = result.upper;
        result.fragment_claimed = result.upper_claimed;
    }
    result.status = IpStatus::ok;
    return result;
}

}  // namespace tcpvet::decode
