// A growable array of records in fixed-size chunks: growing never moves a record, and memory
// grows by one chunk at a time instead of doubling (no 2x peak while a flood fills the table).
#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include "tcpvet/huge_page_allocator.hpp"

namespace tcpvet::flow {

// How many records of T fill `pages` huge pages: a chunk of that size sits on whole huge pages.
template <typename T>
[[nodiscard]] constexpr std::size_t records_per_huge_pages(std::size_t pages) noexcept {
    return pages * HugePageAllocator<T>::k_huge_page / sizeof(T);
}

// Chunks come from HugePageAllocator and a record is constructed when it is appended, not when
// its chunk is allocated: a flood's first write to a record is then its only write, and the
// kernel maps a chunk in a few huge-page faults instead of one fault per 4 KiB.
template <typename T, std::size_t ChunkSize>
class ChunkedSlab {
public:
    ChunkedSlab() = default;
    ChunkedSlab(const ChunkedSlab&) = delete;
    ChunkedSlab& operator=(const ChunkedSlab&) = delete;
    ~ChunkedSlab() {
        for (std::size_t i = 0; i < m_size; ++i) (*this)[i].~T();
        for (T* chunk : m_chunks) Allocator{}.deallocate(chunk, ChunkSize);
    }

    T& operator[](std::size_t index) noexcept { return m_chunks[index / ChunkSize][index % ChunkSize]; }
    const T& operator[](std::size_t index) const noexcept { return m_chunks[index / ChunkSize][index % ChunkSize]; }

    // Appends a default-constructed record (allocating a new chunk when the last one is full).
    T& emplace_back() {
        if (m_size == m_chunks.size() * ChunkSize) {
            m_chunks.reserve(m_chunks.size() + 1);
            m_chunks.push_back(Allocator{}.allocate(ChunkSize));
        }
        T* record = &m_chunks[m_size / ChunkSize][m_size % ChunkSize];
        ::new (static_cast<void*>(record)) T();
        ++m_size;
        return *record;
    }

    // Where the next emplace_back() will construct, if its chunk exists (else null): a hint for a
    // prefetch of the memory a flood writes next.
    [[nodiscard]] const T* next_slot() const noexcept {
        return m_size < m_chunks.size() * ChunkSize ? &(*this)[m_size] : nullptr;
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] std::size_t capacity() const noexcept { return m_chunks.size() * ChunkSize; }
    [[nodiscard]] std::size_t memory_bytes() const noexcept { return m_chunks.size() * ChunkSize * sizeof(T); }

private:
    using Allocator = HugePageAllocator<T>;
    std::vector<T*> m_chunks;
    std::size_t m_size = 0;
};

}  // namespace tcpvet::flow
