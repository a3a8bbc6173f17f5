// A growable array of records in fixed-size chunks: growing never moves a record, and memory
// grows by one chunk at a time instead of doubling (no 2x peak while a flood fills the table).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace tcpvet::flow {

template <typename T, std::size_t ChunkSize>
class ChunkedSlab {
public:
    T& operator[](std::size_t index) noexcept { return (*m_chunks[index / ChunkSize])[index % ChunkSize]; }
    const T& operator[](std::size_t index) const noexcept { return (*m_chunks[index / ChunkSize])[index % ChunkSize]; }

    // Appends a default-constructed record (allocating a new chunk when the last one is full).
    T& emplace_back() {
        if (m_size == m_chunks.size() * ChunkSize) m_chunks.push_back(std::make_unique<Chunk>());
        return (*this)[m_size++];
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] std::size_t capacity() const noexcept { return m_chunks.size() * ChunkSize; }
    [[nodiscard]] std::size_t memory_bytes() const noexcept { return m_chunks.size() * sizeof(Chunk); }

private:
    using Chunk = std::array<T, ChunkSize>;
    std::vector<std::unique_ptr<Chunk>> m_chunks;
    std::size_t m_size = 0;
};

}  // namespace tcpvet::flow
