// Flat open-addressing index from flow hash to a record handle; keys live in the records themselves.
#pragma once

#include <cstdint>
#include <vector>

#include "tcpvet/huge_page_allocator.hpp"
#include "tcpvet/prefetch.hpp"

namespace tcpvet::flow {

// A handle names a record in one of the tracker's slabs; the top bits say which slab.
using RecordHandle = std::uint32_t;
inline constexpr RecordHandle k_no_record = 0xFFFFFFFFU;

// Linear probing over 8-byte slots {hash tag, handle}: a lookup touches one cache line in the
// common case and the table holds no per-entry allocation. Deletion shifts back (no tombstones).
class FlowTable {
public:
    explicit FlowTable(std::size_t initial_capacity = 1024);

    // Calls `matches(handle)` for each slot whose tag equals the hash's; returns the first handle it
    // accepts, or k_no_record.
    template <typename Match>
    [[nodiscard]] RecordHandle find(std::uint64_t hash, Match&& matches) const noexcept {
        const std::uint32_t tag = tag_of(hash);
        for (std::size_t i = index_of(hash);; i = (i + 1) & m_mask) {
            const Slot& slot = m_slots[i];
            if (slot.handle == k_no_record) return k_no_record;
            if (slot.hash32 == tag && matches(slot.handle)) return slot.handle;
        }
    }

    // Starts loading the slot `hash` will probe first: a lookup in a table of millions of flows is
    // a cache miss, which the caller hides behind the work on the packet before.
    void prefetch(std::uint64_t hash) const noexcept { prefetch_line(&m_slots[index_of(hash)]); }
    // Forgets every entry, keeping the capacity.
    void clear() noexcept;
    // Inserts a handle for `hash` (the caller made sure the key is absent). May grow the table.
    void insert(std::uint64_t hash, RecordHandle handle);

    // Removes the slot holding `handle` under `hash`; returns false if not present.
    bool erase(std::uint64_t hash, RecordHandle handle) noexcept;

    // Rewrites the handle stored for a record (promotion from one slab to another).
    bool replace(std::uint64_t hash, RecordHandle old_handle, RecordHandle new_handle) noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] std::size_t capacity() const noexcept { return m_slots.size(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept { return m_slots.size() * sizeof(Slot); }

private:
    struct Slot {
        std::uint32_t hash32 = 0;  // low half of the flow hash: home index and quick filter
        RecordHandle handle = k_no_record;
    };

    [[nodiscard]] static std::uint32_t tag_of(std::uint64_t hash) noexcept { return static_cast<std::uint32_t>(hash); }
    [[nodiscard]] std::size_t index_of(std::uint64_t hash) const noexcept {
        return static_cast<std::size_t>(tag_of(hash)) & m_mask;
    }
    [[nodiscard]] std::size_t find_slot(std::uint64_t hash, RecordHandle handle) const noexcept;
    void grow();

    using Slots = std::vector<Slot, HugePageAllocator<Slot>>;
    Slots m_slots;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

}  // namespace tcpvet::flow
