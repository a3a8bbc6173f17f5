// An open-addressing map from 64-bit keys to small records: a probe scans one line of keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "tcpvet/huge_page_allocator.hpp"
#include "tcpvet/mix64.hpp"
#include "tcpvet/prefetch.hpp"

namespace tcpvet::anomaly {

// Linear probing over a power-of-two array of keys kept at most half full, the records in a parallel
// array at the same index: a lookup reads a line of keys and one record. Records never move except
// when the arrays double, and are never erased. Key 0 marks an empty slot, so it has a record of
// its own. Pointers returned are valid until the next insert. for_each follows the slot order:
// callers that report sort what they find.
template <typename T>
class FlatKeyMap {
public:
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return m_keys.capacity() * sizeof(std::uint64_t) + m_values.capacity() * sizeof(T);
    }

    // The record of `key`, or nullptr.
    [[nodiscard]] T* find(std::uint64_t key) noexcept {
        if (key == 0) return m_has_zero ? &m_zero : nullptr;
        if (m_keys.empty()) return nullptr;
        const std::size_t mask = m_keys.size() - 1;
        for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
            if (m_keys[i] == key) return &m_values[i];
            if (m_keys[i] == 0) return nullptr;
        }
    }

    // The record of `key`, value-initialized when new; .second tells whether it was inserted.
    std::pair<T*, bool> insert(std::uint64_t key) {
        if (key == 0) {
            const bool inserted = !m_has_zero;
            if (inserted) {
                m_has_zero = true;
                ++m_size;
            }
            return {&m_zero, inserted};
        }
        if ((m_used + 1) * 2 > m_keys.size()) grow();
        const std::size_t mask = m_keys.size() - 1;
        for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
            if (m_keys[i] == key) return {&m_values[i], false};
            if (m_keys[i] == 0) {
                m_keys[i] = key;
                ++m_used;
                ++m_size;
                return {&m_values[i], true};
            }
        }
    }

    // A hint only: loads the keys `key` starts probing at and the record there, so that a lookup a
    // few calls later hits cache.
    void prefetch(std::uint64_t key) const noexcept {
        if (m_keys.empty()) return;
        const std::size_t i = mix64(key) & (m_keys.size() - 1);
        prefetch_line(&m_keys[i]);
        const T* value = &m_values[i];
        prefetch_line(value);
        prefetch_line(reinterpret_cast<const char*>(value + 1) - 1);  // a record may straddle two lines
    }

    // fn(key, value) for every record.
    template <typename Fn>
    void for_each(Fn&& fn) {
        if (m_has_zero) fn(std::uint64_t{0}, m_zero);
        for (std::size_t i = 0; i < m_keys.size(); ++i) {
            if (m_keys[i] != 0) fn(m_keys[i], m_values[i]);
        }
    }

private:
    void grow() {
        Keys old_keys = std::move(m_keys);
        Values old_values = std::move(m_values);
        const std::size_t capacity = old_keys.empty() ? 16 : old_keys.size() * 2;
        m_keys.assign(capacity, 0);
        m_values.clear();
        m_values.resize(capacity);
        const std::size_t mask = capacity - 1;
        for (std::size_t j = 0; j < old_keys.size(); ++j) {
            if (old_keys[j] == 0) continue;
            std::size_t i = mix64(old_keys[j]) & mask;
            while (m_keys[i] != 0) i = (i + 1) & mask;
            m_keys[i] = old_keys[j];
            m_values[i] = std::move(old_values[j]);
        }
    }

    using Keys = std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>>;
    using Values = std::vector<T, HugePageAllocator<T>>;
    Keys m_keys;  // 0 = empty
    Values m_values;
    std::size_t m_used = 0;  // non-zero keys
    std::size_t m_size = 0;  // all keys, zero included
    bool m_has_zero = false;
    T m_zero{};
};

}  // namespace tcpvet::anomaly
