// Counts distinct 64-bit keys: exactly up to a cap, then with a HyperLogLog of stated error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcpvet/flow/flow_key.hpp"
#include "tcpvet/huge_page_allocator.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::anomaly {

// An address as one 64-bit key: IPv4 exactly, IPv6 hashed (collisions ~2^-64 per pair).
[[nodiscard]] std::uint64_t address_key(const IpAddress& address) noexcept;
// An endpoint as one 64-bit key: IPv4 exactly, IPv6 hashed. Detectors key their tables with it.
[[nodiscard]] std::uint64_t endpoint_key(const flow::Endpoint& endpoint) noexcept;
// Two keys combined (e.g. source address and destination port), hashed.
[[nodiscard]] std::uint64_t pair_key(std::uint64_t first, std::uint64_t second) noexcept;

class DistinctCounter {
public:
    // Exact until `exact_cap` keys (a hash set of 8-byte keys at <= 50% load), then a HyperLogLog
    // with 2^precision one-byte registers (standard error 1.04 / sqrt(2^precision)).
    explicit DistinctCounter(std::size_t exact_cap = std::size_t{1} << 20, unsigned precision = 14) noexcept;

    // Sizes the exact set for `keys` keys now, so adding that many never allocates.
    void reserve(std::size_t keys);
    void add(std::uint64_t key);
    // A hint only: loads the slot `key` would be looked up in, so an add() a few calls later hits cache.
    void prefetch(std::uint64_t key) const noexcept;
    [[nodiscard]] std::uint64_t count() const noexcept;
    [[nodiscard]] bool exact() const noexcept { return m_registers.empty(); }
    // Relative standard error of count(): 0 while exact.
    [[nodiscard]] double standard_error() const noexcept;
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return m_slots.capacity() * sizeof(std::uint64_t) + m_registers.capacity();
    }

private:
    void grow();
    void switch_to_sketch();
    void sketch_add(std::uint64_t key) noexcept;

    std::size_t m_exact_cap;
    unsigned m_precision;
    using Slots = std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>>;
    Slots m_slots;  // 0 = empty; key 0 is kept in m_has_zero
    std::size_t m_size = 0;
    bool m_has_zero = false;
    std::vector<std::uint8_t> m_registers;
};

}  // namespace tcpvet::anomaly
