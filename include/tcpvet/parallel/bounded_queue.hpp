// A blocking queue of bounded depth between two threads: what keeps a sharded run's memory fixed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace tcpvet::parallel {

template <typename T>
class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t depth) : m_depth(depth == 0 ? 1 : depth) {}

    // Waits while full. False when the queue was cancelled (the item is dropped).
    bool push(T item) {
        std::unique_lock lock(m_mutex);
        m_not_full.wait(lock, [&] { return m_items.size() < m_depth || m_cancelled; });
        if (m_cancelled) return false;
        m_items.push_back(std::move(item));
        m_not_empty.notify_one();
        return true;
    }

    // Never waits: false when full or cancelled (the item is dropped).
    bool try_push(T item) {
        const std::lock_guard lock(m_mutex);
        if (m_items.size() >= m_depth || m_cancelled) return false;
        m_items.push_back(std::move(item));
        m_not_empty.notify_one();
        return true;
    }

    // Waits while empty. Nothing when the queue was cancelled.
    std::optional<T> pop() {
        std::unique_lock lock(m_mutex);
        m_not_empty.wait(lock, [&] { return !m_items.empty() || m_cancelled; });
        return take(lock);
    }

    // Never waits.
    std::optional<T> try_pop() {
        std::unique_lock lock(m_mutex);
        return take(lock);
    }

    // Wakes every waiter for good: a thread failed and the run is being torn down.
    void cancel() {
        const std::lock_guard lock(m_mutex);
        m_cancelled = true;
        m_not_empty.notify_all();
        m_not_full.notify_all();
    }

private:
    std::optional<T> take(std::unique_lock<std::mutex>& /*held*/) {
        if (m_items.empty() || m_cancelled) return std::nullopt;
        std::optional<T> item(std::move(m_items.front()));
        m_items.pop_front();
        m_not_full.notify_one();
        return item;
    }

    std::size_t m_depth;
    std::mutex m_mutex;
    std::condition_variable m_not_empty;
    std::condition_variable m_not_full;
    std::deque<T> m_items;
    bool m_cancelled = false;
};

}  // namespace tcpvet::parallel
