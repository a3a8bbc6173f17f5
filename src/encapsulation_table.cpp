// Interning of encapsulations: hash the canonical layers, compare on a hit, append on a miss.
#include "tcpvet/encapsulation_table.hpp"

#include "tcpvet/mix64.hpp"

namespace tcpvet {
namespace {

std::uint64_t address_hash(const IpAddress& addr) noexcept {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        high = (high << 8U) | addr.bytes[i];
        low = (low << 8U) | addr.bytes[i + 8];
    }
    return mix64(high ^ mix64(low ^ addr.family));
}

std::uint64_t hash_of(const decode::Encapsulation& layers) noexcept {
    std::uint64_t hash = layers.depth;
    for (std::size_t i = 0; i < layers.depth; ++i) {
        const decode::TunnelLayer& layer = layers.layers[i];
        const std::uint64_t kind_id = (std::uint64_t{static_cast<std::uint8_t>(layer.kind)} << 40U) |
                                      (std::uint64_t{layer.has_id} << 32U) | layer.id;
        hash = mix64(hash ^ kind_id ^ address_hash(layer.outer_src) ^ (address_hash(layer.outer_dst) << 1U));
    }
    return hash;
}

}  // namespace

decode::Encapsulation& EncapsulationTable::slot(std::size_t index) const noexcept {
    return m_chunks[index / k_chunk]->entries[index % k_chunk];
}

std::uint32_t EncapsulationTable::intern(const decode::Encapsulation& layers) {
    const decode::Encapsulation key = decode::canonical(layers);
    if (m_last_number != k_none && key == m_last) return m_last_number;
    const std::uint64_t hash = hash_of(key);
    const auto [first, last] = m_by_hash.equal_range(hash);
    for (auto it = first; it != last; ++it) {
        if (slot(it->second - 1) == key) {
            m_last = key;
            m_last_number = it->second;
            return it->second;
        }
    }
    if (m_size == k_capacity) {
        ++m_unrecorded;
        return k_unrecorded;
    }
    if (m_size % k_chunk == 0) m_chunks[m_size / k_chunk] = std::make_unique<Chunk>();
    slot(m_size) = key;
    const auto number = static_cast<std::uint32_t>(++m_size);
    m_by_hash.emplace(hash, number);
    m_last = key;
    m_last_number = number;
    return number;
}

const decode::Encapsulation* EncapsulationTable::find(std::uint32_t number) const noexcept {
    // Not checked against m_size, which the interning thread may be changing: a number is only
    // ever handed out after its entry was written.
    if (number == k_none || number > k_capacity) return nullptr;
    return &slot(number - 1);
}

}  // namespace tcpvet
