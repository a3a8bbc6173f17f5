// Canonical flow keys and their hash.
#include "tcpvet/flow/flow_key.hpp"

#include <bit>
#include <cstring>

#include "tcpvet/mix64.hpp"

namespace tcpvet::flow {
namespace {

std::array<std::uint64_t, 2> pack_address(const IpAddress& addr) noexcept {
    std::array<std::uint64_t, 2> words{};
    std::memcpy(words.data(), addr.bytes.data(), sizeof(words));
    return words;
}

IpAddress unpack_address(const std::array<std::uint64_t, 2>& words, std::uint8_t family) noexcept {
    IpAddress addr;
    std::memcpy(addr.bytes.data(), words.data(), sizeof(words));
    addr.family = family;
    return addr;
}

// The address bytes [offset, offset + 8) as a number whose order is their lexicographic order.
std::uint64_t ordered_word(const IpAddress& addr, std::size_t offset) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, addr.bytes.data() + offset, sizeof(word));
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    return word;
}

// Lexicographic on the raw bytes so the order does not depend on host endianness (two word
// compares: memcmp was a call per packet).
bool endpoint_less(const IpAddress& x, std::uint16_t x_port, const IpAddress& y, std::uint16_t y_port) noexcept {
    const std::uint64_t x_high = ordered_word(x, 0);
    const std::uint64_t y_high = ordered_word(y, 0);
    if (x_high != y_high) return x_high < y_high;
    const std::uint64_t x_low = ordered_word(x, 8);
    const std::uint64_t y_low = ordered_word(y, 8);
    if (x_low != y_low) return x_low < y_low;
    return x_port < y_port;
}

__extension__ using Wide = unsigned __int128;  // GCC and Clang on 64-bit targets

std::uint64_t fold_product(std::uint64_t x, std::uint64_t y) noexcept {
    const Wide product = static_cast<Wide>(x) * y;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64U);
}

}  // namespace

FlowKey make_flow_key(const IpAddress& src, std::uint16_t src_port, const IpAddress& dst, std::uint16_t dst_port,
                      bool& src_is_a, std::uint32_t context) noexcept {
    FlowKey key;
    src_is_a = endpoint_less(src, src_port, dst, dst_port) || (src == dst && src_port == dst_port);
    const IpAddress& a = src_is_a ? src : dst;
    const IpAddress& b = src_is_a ? dst : src;
    key.addr_a = pack_address(a);
    key.addr_b = pack_address(b);
    key.port_a = src_is_a ? src_port : dst_port;
    key.port_b = src_is_a ? dst_port : src_port;
    key.family = src.family;
    key.context_high = static_cast<std::uint8_t>(context >> 16U);
    key.context_low = static_cast<std::uint16_t>(context);
    return key;
}

FlowKey make_flow_key(const DecodedPacket& packet, bool& src_is_a) noexcept {
    return make_flow_key(packet.src, packet.tcp.src_port, packet.dst, packet.tcp.dst_port, src_is_a,
                         packet.flow_context);
}

// Each address's two words under their own constants, multiplied into 128 bits and folded (the
// wyhash step): the two addresses are mixed in parallel and one mix64 finishes. A chain of five
// dependent mix64 rounds cost ~45 cycles of latency on every packet (3% of a run).
std::uint64_t hash_flow_key(const FlowKey& key) noexcept {
    const std::uint64_t a = fold_product(key.addr_a[0] ^ 0xa0761d6478bd642fULL, key.addr_a[1] ^ 0xe7037ed1a0b428dbULL);
    const std::uint64_t b = fold_product(key.addr_b[0] ^ 0x8ebc6af09c88c6e3ULL, key.addr_b[1] ^ 0x589965cc75374cc3ULL);
    const std::uint64_t ports = (std::uint64_t{key.port_a} << 32) | (std::uint64_t{key.port_b} << 8) | key.family;
    // A context of 0 leaves the hash (and so every table's order) what it was without tunnels.
    return mix64(a ^ b ^ ports ^ (std::uint64_t{key.context()} << 40U));
}

Endpoint endpoint_a(const FlowKey& key) noexcept { return {unpack_address(key.addr_a, key.family), key.port_a}; }
Endpoint endpoint_b(const FlowKey& key) noexcept { return {unpack_address(key.addr_b, key.family), key.port_b}; }

}  // namespace tcpvet::flow
