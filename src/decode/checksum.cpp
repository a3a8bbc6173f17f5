// Internet checksum: a one's-complement sum of 16-bit words, checked by summing to 0xffff.
#include "tcpvet/decode/checksum.hpp"

#include <bit>
#include <cstddef>
#include <cstring>
#include <initializer_list>

namespace tcpvet::decode {

namespace {

constexpr std::uint8_t k_ip_proto_tcp = 6;

// The address as it enters the pseudo-header: 4 bytes for IPv4, 16 for IPv6.
Bytes address_bytes(const IpAddress& address) noexcept {
    const auto all = std::as_bytes(std::span{address.bytes});
    return all.first(address.family == 6 ? std::size_t{16} : std::size_t{4});
}

}  // namespace

// RFC 1071 §2(B): the one's-complement sum does not depend on byte order, so words are summed in
// native order eight bytes at a time and the folded result is swapped once into network order.
std::uint64_t checksum_add(std::uint64_t sum, Bytes data) noexcept {
    const std::byte* p = data.data();
    std::size_t n = data.size();
    std::uint64_t native = 0;
    // Four independent sums over 32 bytes a step keep the adds from waiting on each other.
    std::uint64_t lanes[4] = {0, 0, 0, 0};
    while (n >= 32) {
        for (std::uint64_t& lane : lanes) {
            std::uint64_t word = 0;
            std::memcpy(&word, p, sizeof(word));
            lane += (word & 0xffffffffU) + (word >> 32U);
            p += 8;
        }
        n -= 32;
    }
    native = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    while (n >= 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, sizeof(word));
        native += (word & 0xffffffffU) + (word >> 32U);
        p += 8;
        n -= 8;
    }
    while (n >= 2) {
        std::uint16_t half = 0;
        std::memcpy(&half, p, sizeof(half));
        native += half;
        p += 2;
        n -= 2;
    }
    if (n == 1) {
        // RFC 1071 §4.1: an odd last byte is the high byte of a zero-padded network-order word.
        const std::uint16_t pad_word[1] = {0};
        std::uint16_t half = pad_word[0];
        std::memcpy(&half, p, 1);
        native += half;
    }
    auto folded = checksum_fold(native);
    if constexpr (std::endian::native == std::endian::little) {
        folded = static_cast<std::uint16_t>((folded >> 8U) | (folded << 8U));
    }
    return sum + folded;
}

std::uint16_t checksum_fold(std::uint64_t sum) noexcept {
    while ((sum >> 16U) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(sum);
}

ChecksumResult verify_ipv4_header(Bytes header) noexcept {
    return checksum_fold(checksum_add(0, header)) == 0xffff ? ChecksumResult::ok : ChecksumResult::bad;
}

ChecksumResult verify_tcp(const IpAddress& src, const IpAddress& dst, Bytes segment) noexcept {
    if (src.family != dst.family || (src.family != 4 && src.family != 6)) {
        return ChecksumResult::unverified;
    }
    // The addresses are summed here as big-endian words rather than through checksum_add: two
    // calls with their folds and swaps cost more than the four or sixteen bytes they add.
    std::uint64_t sum = 0;
    for (const IpAddress* address : {&src, &dst}) {
        const Bytes bytes = address_bytes(*address);
        for (std::size_t i = 0; i < bytes.size(); i += 2) {
            sum += (std::to_integer<std::uint64_t>(bytes[i]) << 8U) | std::to_integer<std::uint64_t>(bytes[i + 1]);
        }
    }
    // IPv4: zero, protocol, 16-bit TCP length; IPv6: 32-bit length, 3 zero bytes, next header.
    // Both add up to protocol + length as 16-bit words, the length split in two for IPv6.
    const auto length = static_cast<std::uint64_t>(segment.size());
    sum += k_ip_proto_tcp + (length & 0xffffU) + (length >> 16U);
    sum = checksum_add(sum, segment);
    return checksum_fold(sum) == 0xffff ? ChecksumResult::ok : ChecksumResult::bad;
}

}  // namespace tcpvet::decode
