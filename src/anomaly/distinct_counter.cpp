// Exact distinct counting in an open-addressing set, degrading to HyperLogLog past a cap
// (Flajolet et al. 2007, with the small-range linear-counting correction).
#include "tcpvet/anomaly/distinct_counter.hpp"

#include <bit>
#include <cmath>

#include "tcpvet/mix64.hpp"
#include "tcpvet/prefetch.hpp"

namespace tcpvet::anomaly {

std::uint64_t address_key(const IpAddress& address) noexcept {
    if (address.family == 4) {
        return (std::uint64_t{4} << 32) | (std::uint64_t{address.bytes[0]} << 24) |
               (std::uint64_t{address.bytes[1]} << 16) | (std::uint64_t{address.bytes[2]} << 8) | address.bytes[3];
    }
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    for (std::size_t i = 0; i < 8; ++i) high = (high << 8) | address.bytes[i];
    for (std::size_t i = 8; i < 16; ++i) low = (low << 8) | address.bytes[i];
    return mix64(high ^ mix64(low + 0x9E3779B97F4A7C15ULL)) | (std::uint64_t{1} << 63);
}

std::uint64_t endpoint_key(const flow::Endpoint& endpoint) noexcept {
    const std::uint64_t address = address_key(endpoint.addr);
    if (endpoint.addr.family == 4) return (address << 16) | endpoint.port;  // < 2^51: exact
    return mix64(address + endpoint.port) | (std::uint64_t{1} << 63);
}

std::uint64_t pair_key(std::uint64_t first, std::uint64_t second) noexcept {
    return mix64(first ^ mix64(second + 0x9E3779B97F4A7C15ULL));
}

DistinctCounter::DistinctCounter(std::size_t exact_cap, unsigned precision) noexcept
    : m_exact_cap(exact_cap), m_precision(precision < 4 ? 4 : (precision > 18 ? 18 : precision)) {}

void DistinctCounter::add(std::uint64_t key) {
    if (!m_registers.empty()) {
        sketch_add(key);
        return;
    }
    if (key == 0) {
        if (!m_has_zero) {
            m_has_zero = true;
            ++m_size;
        }
        return;
    }
    if ((m_size + 1) * 2 > m_slots.size()) grow();
    if (!m_registers.empty()) {
        sketch_add(key);
        return;
    }
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
        if (m_slots[i] == key) return;
        if (m_slots[i] == 0) {
            m_slots[i] = key;
            ++m_size;
            if (m_size > m_exact_cap) switch_to_sketch();
            return;
        }
    }
}

void DistinctCounter::prefetch(std::uint64_t key) const noexcept {
    // The sketch's registers are small enough to stay cached; only the exact set is worth a hint.
    if (m_slots.empty()) return;
    prefetch_line(&m_slots[mix64(key) & (m_slots.size() - 1)]);
}

void DistinctCounter::reserve(std::size_t keys) {
    if (!m_registers.empty()) return;
    std::size_t wanted = 16;
    while (wanted < keys * 2) wanted *= 2;
    while (m_slots.size() < wanted && m_size < m_exact_cap) grow();
}

void DistinctCounter::grow() {
    if (m_size >= m_exact_cap) {
        switch_to_sketch();
        return;
    }
    Slots old = std::move(m_slots);
    m_slots.assign(old.empty() ? 16 : old.size() * 2, 0);
    const std::size_t mask = m_slots.size() - 1;
    for (const std::uint64_t key : old) {
        if (key == 0) continue;
        std::size_t i = mix64(key) & mask;
        while (m_slots[i] != 0) i = (i + 1) & mask;
        m_slots[i] = key;
    }
}

void DistinctCounter::switch_to_sketch() {
    m_registers.assign(std::size_t{1} << m_precision, 0);
    for (const std::uint64_t key : m_slots) {
        if (key != 0) sketch_add(key);
    }
    if (m_has_zero) sketch_add(0);
    Slots().swap(m_slots);
    m_size = 0;
}

void DistinctCounter::sketch_add(std::uint64_t key) noexcept {
    const std::uint64_t hash = mix64(key + 0x632BE59BD9B4E019ULL);
    const std::size_t index = static_cast<std::size_t>(hash >> (64 - m_precision));
    const std::uint64_t rest = (hash << m_precision) | (std::uint64_t{1} << (m_precision - 1));  // rank <= 64-p+1
    const auto rank = static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
    if (rank > m_registers[index]) m_registers[index] = rank;
}

std::uint64_t DistinctCounter::count() const noexcept {
    if (m_registers.empty()) return m_size;
    const double m = static_cast<double>(m_registers.size());
    double sum = 0;
    std::size_t zeros = 0;
    for (const std::uint8_t r : m_registers) {
        sum += std::ldexp(1.0, -static_cast<int>(r));
        if (r == 0) ++zeros;
    }
    const double alpha = 0.7213 / (1.0 + 1.079 / m);
    double estimate = alpha * m * m / sum;
    if (estimate <= 2.5 * m && zeros != 0) estimate = m * std::log(m / static_cast<double>(zeros));
    return static_cast<std::uint64_t>(std::llround(estimate));
}

double DistinctCounter::standard_error() const noexcept {
    if (m_registers.empty()) return 0.0;
    return 1.04 / std::sqrt(static_cast<double>(m_registers.size()));
}

}  // namespace tcpvet::anomaly
