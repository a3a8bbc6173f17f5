// The decoded packet: what the link/IP/TCP decoders extract from one captured frame.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tcpvet {

namespace decode {
struct Encapsulation;
}

using Bytes = std::span<const std::byte>;

// Where a packet was cut short (caplen < len, or a header longer than the bytes present).
enum class Layer : std::uint8_t { none, link, ip, tcp, tcp_options };

enum class ChecksumResult : std::uint8_t { unverified, ok, bad };

// What the dispatcher made of a frame; every frame lands in exactly one class.
enum class PacketClass : std::uint8_t {
    tcp,     // a TCP segment with at least the fixed 20-byte header decoded
    non_ip,  // link layer decoded, not IPv4/IPv6 (ARP, LLDP, ...)
    udp,
    icmp,         // ICMP or ICMPv6
    other_ip,     // IP carrying another protocol (or an IPv6 extension we do not walk)
    ip_fragment,  // an IP fragment held for reassembly (or, without it, one that shows no TCP header)
    truncated,    // cut before the TCP header (see truncated_at)
    malformed,    // headers inconsistent in a way that is not truncation (bad IP version, IHL < 5, ...)
};

// Why a frame's TCP (if any) could not be reached, beyond its class: counted per reason.
enum class Undecoded : std::uint8_t {
    none,
    encrypted,         // ESP (RFC 4303): the payload is encrypted
    compressed,        // IPComp (RFC 3173): the payload is compressed
    tunnel_malformed,  // a tunnel header that contradicts itself (unknown version, bad flags)
    tunnel_truncated,  // the capture ends inside a tunnel header or inner link header
    tunnel_protocol,   // a tunnel carries a protocol tcpvet does not open (GRE type, Geneve protocol)
    depth_exceeded,    // more nested encapsulations than k_max_encapsulation_depth
};
inline constexpr std::size_t k_undecoded_reasons = 7;

// An IPv4 address sits in bytes[0..3] with family 4; IPv6 uses all 16 with family 6.
struct IpAddress {
    std::array<std::uint8_t, 16> bytes{};
    std::uint8_t family = 0;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// TCP control bits as a 9-bit field in wire order (RFC 9293 §3.1; AE is RFC 9768's former NS bit).
namespace tcp_flag {
inline constexpr std::uint16_t fin = 0x001;
inline constexpr std::uint16_t syn = 0x002;
inline constexpr std::uint16_t rst = 0x004;
inline constexpr std::uint16_t psh = 0x008;
inline constexpr std::uint16_t ack = 0x010;
inline constexpr std::uint16_t urg = 0x020;
inline constexpr std::uint16_t ece = 0x040;
inline constexpr std::uint16_t cwr = 0x080;
inline constexpr std::uint16_t ae = 0x100;
}  // namespace tcp_flag

struct SackBlock {
    std::uint32_t left = 0;
    std::uint32_t right = 0;
};

// An option tcpvet does not interpret, kept as kind/length.
struct RawTcpOption {
    std::uint8_t kind = 0;
    std::uint8_t length = 0;
};

struct TcpOptions {
    static constexpr std::size_t k_max_sack_blocks = 4;
    static constexpr std::size_t k_max_other = 8;

    std::uint16_t mss = 0;
    std::uint8_t window_scale = 0;  // shift count as sent (may exceed 14; clamp when used)
    bool has_mss = false;
    bool has_window_scale = false;
    bool sack_permitted = false;
    bool has_timestamps = false;
    bool malformed = false;  // the walk stopped at a bad length or a truncated option
    std::uint32_t ts_val = 0;
    std::uint32_t ts_ecr = 0;
    std::uint8_t sack_count = 0;
    std::array<SackBlock, k_max_sack_blocks> sack{};
    std::uint8_t other_count = 0;  // kept in `other`, up to k_max_other
    std::array<RawTcpOption, k_max_other> other{};
};

struct TcpHeader {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t data_offset = 0;  // header length in 32-bit words
    std::uint8_t reserved = 0;     // the 3 reserved bits left of AE
    std::uint16_t flags = 0;       // tcp_flag bits
    std::uint16_t window = 0;      // raw, unscaled
    std::uint16_t checksum = 0;
    std::uint16_t urgent_pointer = 0;
    TcpOptions options{};

    [[nodiscard]] bool has(std::uint16_t flag) const noexcept { return (flags & flag) != 0; }
};

struct DecodedPacket {
    std::uint64_t frame = 0;     // counted from 1 across all inputs
    std::int64_t ts_ns = 0;      // capture time, nanoseconds since the epoch
    std::uint32_t caplen = 0;    // bytes captured
    std::uint32_t wire_len = 0;  // bytes on the wire
    int link_type = 0;           // DLT_*

    PacketClass cls = PacketClass::malformed;
    Layer truncated_at = Layer::none;  // set also on tcp packets whose options or payload were cut
    // Encapsulations opened to reach the innermost layer (GRE, VXLAN, MPLS, IP-in-IP, ...); the
    // IP and TCP fields below always describe the innermost packet.
    std::uint8_t tunnel_depth = 0;
    Undecoded undecoded = Undecoded::none;
    // For a tunnelled TCP segment, its encapsulation as the frame reader stored it (null when none
    // or not recorded), and the tunnel context conversations are keyed by (0 unless --tunnel-key).
    const decode::Encapsulation* encapsulation = nullptr;
    std::uint32_t flow_context = 0;

    // IP layer (valid for tcp, udp, icmp, other_ip, ip_fragment)
    std::uint8_t ip_version = 0;
    std::uint8_t ttl = 0;          // hop limit for IPv6
    std::uint8_t ip_protocol = 0;  // the upper-layer protocol reached
    bool fragment_first = false;   // without reassembly: a first fragment (MF set, offset 0) analysed as TCP
    bool ip_fragment = false;      // the frame held an IP fragment, at any layer
    bool reassembled = false;      // this frame completed an IP datagram, decoded whole below
    IpAddress src{};
    IpAddress dst{};
    ChecksumResult ip_checksum = ChecksumResult::unverified;  // IPv4 header checksum

    // TCP layer (valid for cls == tcp)
    TcpHeader tcp{};
    ChecksumResult tcp_checksum = ChecksumResult::unverified;
    std::uint32_t payload_len = 0;       // as the IP length claims (tshark's tcp.len)
    std::uint32_t payload_captured = 0;  // how much of it the frame holds (may be less than payload_len)
    // The captured bytes, while the frame's buffer lives; empty where no one reads payload (the
    // pipelines drop the view once the next frame is read, or when a packet changes threads).
    Bytes payload{};
};

}  // namespace tcpvet
