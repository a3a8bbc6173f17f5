// Internet checksum: the word-at-a-time sum against a byte-by-byte RFC 1071 reference, at every
// length up to 2048 and at odd alignments, and the TCP pseudo-headers for IPv4 and IPv6.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "tcpvet/decode/checksum.hpp"

using tcpvet::Bytes;
using tcpvet::ChecksumResult;
using tcpvet::IpAddress;
using namespace tcpvet::decode;

namespace {

// RFC 1071 §4.1 literally: big-endian 16-bit words, an odd last byte padded with zero.
std::uint16_t reference_sum(const std::vector<Bytes>& pieces, std::uint64_t extra = 0) {
    std::uint64_t sum = extra;
    for (const Bytes piece : pieces) {
        for (std::size_t i = 0; i < piece.size(); i += 2) {
            const auto high = std::to_integer<std::uint64_t>(piece[i]);
            const std::uint64_t low = i + 1 < piece.size() ? std::to_integer<std::uint64_t>(piece[i + 1]) : 0;
            sum += (high << 8U) | low;
        }
    }
    while ((sum >> 16U) != 0) sum = (sum & 0xffffU) + (sum >> 16U);
    return static_cast<std::uint16_t>(sum);
}

std::vector<std::byte> random_bytes(std::size_t n, std::mt19937& rng) {
    std::vector<std::byte> out(n);
    for (std::byte& b : out) b = static_cast<std::byte>(rng() & 0xffU);
    return out;
}

IpAddress address(int family, std::mt19937& rng) {
    IpAddress a;
    a.family = static_cast<std::uint8_t>(family);
    for (std::size_t i = 0; i < (family == 6 ? 16U : 4U); ++i) a.bytes[i] = static_cast<std::uint8_t>(rng() & 0xffU);
    return a;
}

}  // namespace

TEST_CASE("checksum_add equals the RFC 1071 reference at every length 0..2048 and alignments 0..7") {
    std::mt19937 rng(20260101);
    const std::vector<std::byte> buffer = random_bytes(2048 + 8, rng);
    std::vector<std::byte> ones(2048 + 8, std::byte{0xff});  // the carry-heaviest input
    for (std::size_t length = 0; length <= 2048; ++length) {
        for (std::size_t offset = 0; offset < 8; ++offset) {
            const Bytes data{buffer.data() + offset, length};
            const Bytes full{ones.data() + offset, length};
            INFO("length " << length << " offset " << offset);
            REQUIRE(checksum_fold(checksum_add(0, data)) == reference_sum({data}));
            REQUIRE(checksum_fold(checksum_add(0, full)) == reference_sum({full}));
        }
    }
}

TEST_CASE("checksum_add keeps a running sum across even-sized pieces") {
    std::mt19937 rng(7);
    const std::vector<std::byte> buffer = random_bytes(1500, rng);
    const Bytes all{buffer};
    for (std::size_t split = 0; split <= all.size(); split += 2) {
        const std::uint64_t sum = checksum_add(checksum_add(0, all.first(split)), all.subspan(split));
        REQUIRE(checksum_fold(sum) == reference_sum({all}));
    }
}

TEST_CASE("verify_tcp sums the IPv4 and IPv6 pseudo-headers as RFC 9293 and RFC 8200 lay them out") {
    std::mt19937 rng(99);
    for (const int family : {4, 6}) {
        for (std::size_t length = 20; length <= 1600; length += 37) {
            const IpAddress src = address(family, rng);
            const IpAddress dst = address(family, rng);
            std::vector<std::byte> segment = random_bytes(length, rng);
            segment[16] = std::byte{0};
            segment[17] = std::byte{0};
            const std::size_t address_len = family == 6 ? 16 : 4;
            const Bytes src_bytes = std::as_bytes(std::span{src.bytes}).first(address_len);
            const Bytes dst_bytes = std::as_bytes(std::span{dst.bytes}).first(address_len);
            // protocol 6 and the length (split in two 16-bit words; only IPv6 lengths can exceed 16 bits)
            const std::uint16_t sum = reference_sum({src_bytes, dst_bytes, Bytes{segment}}, 6 + length);
            const auto checksum = static_cast<std::uint16_t>(~sum);
            segment[16] = static_cast<std::byte>(checksum >> 8U);
            segment[17] = static_cast<std::byte>(checksum & 0xffU);
            INFO("family " << family << " length " << length);
            CHECK(verify_tcp(src, dst, Bytes{segment}) == ChecksumResult::ok);
            segment[length - 1] ^= std::byte{0x01};
            CHECK(verify_tcp(src, dst, Bytes{segment}) == ChecksumResult::bad);
        }
    }
    IpAddress v4;
    v4.family = 4;
    IpAddress v6;
    v6.family = 6;
    const std::vector<std::byte> segment(20);
    CHECK(verify_tcp(v4, v6, Bytes{segment}) == ChecksumResult::unverified);
    CHECK(verify_tcp(IpAddress{}, IpAddress{}, Bytes{segment}) == ChecksumResult::unverified);
}
