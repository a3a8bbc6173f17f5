// Open addressing with linear probing and backward-shift deletion (Knuth 6.4, Algorithm R).
#include "tcpvet/flow/flow_table.hpp"

#include <algorithm>
#include <bit>

namespace tcpvet::flow {

FlowTable::FlowTable(std::size_t initial_capacity) {
    const std::size_t capacity = std::bit_ceil(initial_capacity < 16 ? std::size_t{16} : initial_capacity);
    m_slots.assign(capacity, Slot{});
    m_mask = capacity - 1;
}

void FlowTable::insert(std::uint64_t hash, RecordHandle handle) {
    // Keep the load at or below 3/4 so probe runs stay short.
    if ((m_size + 1) * 4 > m_slots.size() * 3) grow();
    std::size_t i = index_of(hash);
    while (m_slots[i].handle != k_no_record) i = (i + 1) & m_mask;
    m_slots[i] = Slot{tag_of(hash), handle};
    ++m_size;
}

std::size_t FlowTable::find_slot(std::uint64_t hash, RecordHandle handle) const noexcept {
    for (std::size_t i = index_of(hash);; i = (i + 1) & m_mask) {
        if (m_slots[i].handle == k_no_record) return m_slots.size();
        if (m_slots[i].handle == handle) return i;
    }
}

void FlowTable::clear() noexcept {
    std::fill(m_slots.begin(), m_slots.end(), Slot{});
    m_size = 0;
}

bool FlowTable::erase(std::uint64_t hash, RecordHandle handle) noexcept {
    std::size_t hole = find_slot(hash, handle);
    if (hole == m_slots.size()) return false;
    // Shift later members of the probe run back into the hole so no lookup stops early.
    for (std::size_t next = (hole + 1) & m_mask; m_slots[next].handle != k_no_record; next = (next + 1) & m_mask) {
        const std::size_t home = static_cast<std::size_t>(m_slots[next].hash32) & m_mask;
        const bool home_outside_gap = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
        if (home_outside_gap) {
            m_slots[hole] = m_slots[next];
            hole = next;
        }
    }
    m_slots[hole] = Slot{};
    --m_size;
    return true;
}

bool FlowTable::replace(std::uint64_t hash, RecordHandle old_handle, RecordHandle new_handle) noexcept {
    const std::size_t i = find_slot(hash, old_handle);
    if (i == m_slots.size()) return false;
    m_slots[i].handle = new_handle;
    return true;
}

void FlowTable::grow() {
    Slots old;
    old.swap(m_slots);
    m_slots.assign(old.size() * 2, Slot{});
    m_mask = m_slots.size() - 1;
    for (const Slot& slot : old) {
        if (slot.handle == k_no_record) continue;
        std::size_t i = static_cast<std::size_t>(slot.hash32) & m_mask;
        while (m_slots[i].handle != k_no_record) i = (i + 1) & m_mask;
        m_slots[i] = slot;
    }
}

}  // namespace tcpvet::flow
