// Builds one captured frame (link header + IPv4/IPv6 + TCP) with correct checksums, into a reused buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tcpvet::gen {

// The link layers tcpvet_gen can wrap a segment in.
// pbb, vntag, etag and fabricpath are Ethernet with an IEEE 802.1ah I-TAG (and customer MACs), a
// Cisco VN-Tag, an IEEE 802.1BR E-Tag or a Cisco FabricPath header (and inner MACs) before the ethertype.
enum class LinkKind : std::uint8_t {
    en10mb,
    vlan,
    qinq,
    sll,
    sll2,
    raw,
    null,
    loop,
    pbb,
    vntag,
    etag,
    fabricpath,
    // Other link families (tcpvet's link_ppp/link_wifi/link_other decoders).
    snap,
    ppp,
    chdlc,
    frelay,
    fddi,
    wifi,
    radiotap,
    ppi,
    nflog,
    pflog,
    ipoib,
    arcnet,
    juniper
};

// LINKTYPE_* value written into the capture file for a link kind (tcpdump.org/linktypes.html).
[[nodiscard]] std::uint16_t link_type_value(LinkKind kind) noexcept;

// An IPv4 (first 4 bytes) or IPv6 address.
struct Address {
    std::array<std::uint8_t, 16> bytes{};
    bool v6 = false;
};

// IPv4 address from its 32-bit host-order value (0xC0000201 is 192.0.2.1).
[[nodiscard]] Address ipv4(std::uint32_t value) noexcept;
// The IPv6 twin of an IPv4 address used with --ipv6: 2001:db8::a.b.c.d (RFC 3849 documentation prefix).
[[nodiscard]] Address ipv6_twin(const Address& v4) noexcept;

// TCP control bits in wire order (RFC 9293 §3.1).
namespace flag {
inline constexpr std::uint16_t fin = 0x001;
inline constexpr std::uint16_t syn = 0x002;
inline constexpr std::uint16_t rst = 0x004;
inline constexpr std::uint16_t psh = 0x008;
inline constexpr std::uint16_t ack = 0x010;
inline constexpr std::uint16_t urg = 0x020;
}  // namespace flag

// Raw TCP option bytes (already padded to a multiple of 4 by the caller).
struct TcpOptionBytes {
    std::array<std::uint8_t, 40> bytes{};
    std::uint8_t length = 0;
};

// MSS 1460, NOP, NOP, SACK-permitted, NOP, window scale 7: what Linux sends without timestamps.
[[nodiscard]] TcpOptionBytes syn_options() noexcept;
// NOP, NOP, one SACK block (RFC 2018 §3).
[[nodiscard]] TcpOptionBytes sack_option(std::uint32_t left, std::uint32_t right) noexcept;

// Everything needed to lay out one segment. `outgoing` is the direction as seen from the capture
// point (the client host): it picks MAC addresses, the SLL packet type and the Ethernet padding.
struct Segment {
    Address src{};
    Address dst{};
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint16_t flags = 0;
    std::uint16_t window = 0;
    std::uint16_t urgent = 0;
    std::uint16_t ip_id = 0;
    std::uint32_t payload_len = 0;  // payload bytes come from a fixed pattern indexed by seq
    bool outgoing = true;
    TcpOptionBytes options{};
};

class FrameBuilder {
public:
    explicit FrameBuilder(LinkKind kind);

    // Lays out `seg` and returns a view of the frame, valid until the next call.
    [[nodiscard]] std::span<const std::uint8_t> build(const Segment& seg) noexcept;

    static constexpr std::uint32_t k_max_payload = 9000;

private:
    std::size_t write_link(const Segment& seg) noexcept;

    LinkKind m_kind;
    std::vector<std::uint8_t> m_buffer;
};

}  // namespace tcpvet::gen
