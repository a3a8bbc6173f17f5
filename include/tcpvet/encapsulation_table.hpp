// The distinct encapsulations a capture's TCP was found in, each stored once: conversations point
// at their entry, and under --tunnel-key its number is part of the conversation's key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "tcpvet/decode/encapsulation.hpp"

namespace tcpvet {

class EncapsulationTable {
public:
    // Numbers run from 1; 0 is "not tunnelled". They fit the 24 bits a flow key keeps for them.
    static constexpr std::uint32_t k_none = 0;
    static constexpr std::size_t k_chunk = 1024;
    static constexpr std::size_t k_chunks = 64;
    static constexpr std::size_t k_capacity = k_chunk * k_chunks;  // then new ones are counted only
    static constexpr std::uint32_t k_unrecorded = 0xFFFFFFU;       // the number of all of those

    // The number of the canonical form of `layers` (depth > 0), stored on first sight.
    std::uint32_t intern(const decode::Encapsulation& layers);
    // The stored encapsulation `number` names, or null (k_none, k_unrecorded). Entries never move,
    // so another thread may read one whose number it was handed while this one interns more.
    [[nodiscard]] const decode::Encapsulation* find(std::uint32_t number) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    // Encapsulations seen after the table was full (their conversations name none).
    [[nodiscard]] std::uint64_t unrecorded() const noexcept { return m_unrecorded; }

private:
    struct Chunk {
        std::array<decode::Encapsulation, k_chunk> entries{};
    };
    [[nodiscard]] decode::Encapsulation& slot(std::size_t index) const noexcept;

    std::array<std::unique_ptr<Chunk>, k_chunks> m_chunks{};
    std::unordered_multimap<std::uint64_t, std::uint32_t> m_by_hash;
    std::size_t m_size = 0;
    std::uint64_t m_unrecorded = 0;
    decode::Encapsulation m_last{};  // consecutive frames mostly share their tunnel
    std::uint32_t m_last_number = k_none;
};

}  // namespace tcpvet
