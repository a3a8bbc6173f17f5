// Where the tracker keeps its compact half-open attempts: one cache line for an unanswered SYN.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tcpvet/flow/chunked_slab.hpp"
#include "tcpvet/flow/flow_key.hpp"
#include "tcpvet/flow/half_open.hpp"

namespace tcpvet::flow {

// A spoofed-source flood is millions of attempts that each saw one SYN. HalfOpen, the record the
// tracker and its observers work with, is 152 bytes over three cache lines; stored here, such an
// attempt takes one 64-byte line (IPv4 key inline), and only an attempt that saw a second packet
// (a retransmission or a SYN-ACK) takes a second line for what that packet added. An IPv6 key
// lives in a side slab. load() and store() convert between the two forms.
class HalfOpenStore {
public:
    using Index = std::uint32_t;

    // Stores a new attempt; returns its index.
    Index add(const HalfOpen& attempt);
    // The attempt at `index` in its full form (end_reason left at its default).
    [[nodiscard]] HalfOpen load(Index index) const noexcept;
    // Writes back an attempt loaded from `index` and changed (its key unchanged).
    void store(Index index, const HalfOpen& attempt);
    // Frees the slot (and its second line and key, if any).
    void remove(Index index);

    [[nodiscard]] bool key_equals(Index index, const FlowKey& key) const noexcept;
    [[nodiscard]] FlowKey key(Index index) const noexcept;
    [[nodiscard]] std::uint32_t stream(Index index) const noexcept { return m_cores[index].stream; }
    [[nodiscard]] std::int64_t last_ts_ns(Index index) const noexcept;
    // Whether slot `index` holds an attempt (slots run from 0 to slots()).
    [[nodiscard]] bool live(Index index) const noexcept { return m_cores[index].family != 0; }
    [[nodiscard]] std::size_t slots() const noexcept { return m_cores.size(); }
    // How many attempts are held.
    [[nodiscard]] std::size_t held() const noexcept { return m_cores.size() - m_free_cores.size(); }
    // The index the next add() will use.
    [[nodiscard]] Index next_index() const noexcept {
        return m_free_cores.empty() ? static_cast<Index>(m_cores.size()) : m_free_cores.back();
    }
    // Starts loading the attempt at `index` (its first line), for a load() soon after.
    void prefetch(Index index) const noexcept;
    // Starts loading, for writing, the line the next add() fills.
    void prefetch_next() const noexcept;
    [[nodiscard]] std::size_t memory_bytes() const noexcept;

private:
    static constexpr std::uint32_t k_none = 0xFFFFFFFFU;
    static constexpr std::uint8_t k_originator_is_a = 1;
    static constexpr std::uint8_t k_wide_key = 2;  // the key is in m_wide_keys (IPv6, or not canonical IPv4)

    // Everything a lone SYN sets.
    struct alignas(64) Core {
        std::uint32_t addr_a = 0;  // IPv4 key: the addresses; a wide key: addr_a is its index
        std::uint32_t addr_b = 0;
        std::uint16_t port_a = 0;
        std::uint16_t port_b = 0;
        std::uint32_t stream = 0;
        std::uint32_t client_isn = 0;
        std::uint32_t extension = k_none;  // index in m_extensions once a second packet arrived
        std::uint32_t reused_from_stream = 0;
        std::uint32_t client_wire_bytes = 0;
        std::int64_t first_ts_ns = 0;
        std::uint64_t first_frame = 0;
        PackedSynOptions client_options{};
        std::uint16_t client_window = 0;
        std::uint16_t syn_count = 0;
        std::uint8_t family = 0;  // 0: free slot
        std::uint8_t bits = 0;    // k_originator_is_a | k_wide_key
    };
    static_assert(sizeof(Core) == 64, "one cache line per attempt");

    // What a retransmitted SYN or a SYN-ACK adds.
    struct alignas(64) Extension {
        std::int64_t last_ts_ns = 0;
        std::int64_t synack_ts_ns = 0;
        std::uint32_t last_frame_delta = 0;
        std::uint32_t synack_frame_delta = 0;
        std::uint32_t server_isn = 0;
        std::uint32_t server_wire_bytes = 0;
        std::array<std::uint32_t, HalfOpen::k_kept_retransmissions> syn_retransmit_delta{};
        std::array<std::uint32_t, HalfOpen::k_kept_retransmissions> synack_retransmit_delta{};
        PackedSynOptions server_options{};
        std::uint16_t server_window = 0;
        std::uint16_t synack_count = 0;  // > 0: a SYN-ACK was seen
    };
    static_assert(sizeof(Extension) == 64, "one more cache line for an answered or repeated SYN");

    static constexpr std::size_t k_cores_per_chunk = records_per_huge_pages<Core>(1);
    static constexpr std::size_t k_extensions_per_chunk = records_per_huge_pages<Extension>(1);

    [[nodiscard]] static bool needs_extension(const HalfOpen& attempt) noexcept;
    void write(Core& core, const HalfOpen& attempt);

    ChunkedSlab<Core, k_cores_per_chunk> m_cores;
    std::vector<Index> m_free_cores;
    ChunkedSlab<Extension, k_extensions_per_chunk> m_extensions;
    std::vector<std::uint32_t> m_free_extensions;
    // A key that does not fit the core, and the attempt's encapsulation (only such keys have one).
    struct WideKey {
        FlowKey key{};
        const decode::Encapsulation* encapsulation = nullptr;
    };
    ChunkedSlab<WideKey, records_per_huge_pages<WideKey>(1)> m_wide_keys;
    std::vector<std::uint32_t> m_free_wide_keys;
};

}  // namespace tcpvet::flow
