// Compact storage of half-open attempts: a line for the SYN, a second for what followed it.
#include "tcpvet/flow/half_open_store.hpp"

#include <bit>
#include <cstring>

#include "tcpvet/prefetch.hpp"

namespace tcpvet::flow {
namespace {

constexpr std::uint8_t k_ipv4 = 4;

// An IPv4 key fits in 12 bytes when its address words hold nothing beyond the 4 address bytes
// (and no tunnel context or encapsulation needs keeping).
bool fits_narrow(const HalfOpen& attempt) noexcept {
    constexpr std::uint64_t k_beyond_four_bytes = ~std::uint64_t{0xFFFFFFFFU};
    const FlowKey& key = attempt.key;
    if (key.family != k_ipv4 || key.context() != 0 || attempt.encapsulation != nullptr) return false;
    std::uint64_t beyond = key.addr_a[1] | key.addr_b[1];
    if constexpr (std::endian::native == std::endian::little) {
        beyond |= (key.addr_a[0] | key.addr_b[0]) & k_beyond_four_bytes;
    } else {
        beyond |= (key.addr_a[0] | key.addr_b[0]) & ~k_beyond_four_bytes;
    }
    return beyond == 0;
}

// The 4 address bytes at the start of an address word, and back (byte order kept as captured).
std::uint32_t first_four_bytes(std::uint64_t word) noexcept {
    std::uint32_t bytes = 0;
    std::memcpy(&bytes, &word, sizeof(bytes));
    return bytes;
}
std::uint64_t word_of(std::uint32_t bytes) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, &bytes, sizeof(bytes));
    return word;
}

}  // namespace

bool HalfOpenStore::needs_extension(const HalfOpen& attempt) noexcept {
    return attempt.syn_count > 1 || attempt.synack_seen || attempt.synack_count != 0 ||
           attempt.last_ts_ns != attempt.first_ts_ns || attempt.last_frame_delta != 0 || attempt.server_wire_bytes != 0;
}

HalfOpenStore::Index HalfOpenStore::add(const HalfOpen& attempt) {
    Index index = 0;
    if (m_free_cores.empty()) {
        index = static_cast<Index>(m_cores.size());
        (void)m_cores.emplace_back();
    } else {
        index = m_free_cores.back();
        m_free_cores.pop_back();
        m_cores[index] = Core{};
    }
    Core& core = m_cores[index];
    if (fits_narrow(attempt)) {
        core.addr_a = first_four_bytes(attempt.key.addr_a[0]);
        core.addr_b = first_four_bytes(attempt.key.addr_b[0]);
    } else {
        std::uint32_t wide = 0;
        if (m_free_wide_keys.empty()) {
            wide = static_cast<std::uint32_t>(m_wide_keys.size());
            (void)m_wide_keys.emplace_back();
        } else {
            wide = m_free_wide_keys.back();
            m_free_wide_keys.pop_back();
        }
        m_wide_keys[wide] = WideKey{attempt.key, attempt.encapsulation};
        core.addr_a = wide;
        core.bits |= k_wide_key;
    }
    core.port_a = attempt.key.port_a;
    core.port_b = attempt.key.port_b;
    core.family = attempt.key.family;
    write(core, attempt);
    return index;
}

void HalfOpenStore::store(Index index, const HalfOpen& attempt) { write(m_cores[index], attempt); }

void HalfOpenStore::write(Core& core, const HalfOpen& attempt) {
    core.stream = attempt.stream;
    core.client_isn = attempt.client_isn;
    core.reused_from_stream = attempt.reused_from_stream;
    core.client_wire_bytes = attempt.client_wire_bytes;
    core.first_ts_ns = attempt.first_ts_ns;
    core.first_frame = attempt.first_frame;
    core.client_options = attempt.client_options;
    core.client_window = attempt.client_window;
    core.syn_count = attempt.syn_count;
    core.bits = static_cast<std::uint8_t>((core.bits & k_wide_key) | (attempt.originator_is_a ? k_originator_is_a : 0));
    if (core.extension == k_none) {
        if (!needs_extension(attempt)) return;
        if (m_free_extensions.empty()) {
            core.extension = static_cast<std::uint32_t>(m_extensions.size());
            (void)m_extensions.emplace_back();
        } else {
            core.extension = m_free_extensions.back();
            m_free_extensions.pop_back();
        }
    }
    Extension& extension = m_extensions[core.extension];
    extension.last_ts_ns = attempt.last_ts_ns;
    extension.synack_ts_ns = attempt.synack_ts_ns;
    extension.last_frame_delta = attempt.last_frame_delta;
    extension.synack_frame_delta = attempt.synack_frame_delta;
    extension.server_isn = attempt.server_isn;
    extension.server_wire_bytes = attempt.server_wire_bytes;
    extension.syn_retransmit_delta = attempt.syn_retransmit_delta;
    extension.synack_retransmit_delta = attempt.synack_retransmit_delta;
    extension.server_options = attempt.server_options;
    extension.server_window = attempt.server_window;
    extension.synack_count = attempt.synack_count;
}

HalfOpen HalfOpenStore::load(Index index) const noexcept {
    const Core& core = m_cores[index];
    HalfOpen attempt;
    attempt.key = key(index);
    if ((core.bits & k_wide_key) != 0) attempt.encapsulation = m_wide_keys[core.addr_a].encapsulation;
    attempt.stream = core.stream;
    attempt.client_isn = core.client_isn;
    attempt.reused_from_stream = core.reused_from_stream;
    attempt.client_wire_bytes = core.client_wire_bytes;
    attempt.first_ts_ns = core.first_ts_ns;
    attempt.last_ts_ns = core.first_ts_ns;
    attempt.first_frame = core.first_frame;
    attempt.client_options = core.client_options;
    attempt.client_window = core.client_window;
    attempt.syn_count = core.syn_count;
    attempt.originator_is_a = (core.bits & k_originator_is_a) != 0;
    if (core.extension == k_none) return attempt;
    const Extension& extension = m_extensions[core.extension];
    attempt.last_ts_ns = extension.last_ts_ns;
    attempt.synack_ts_ns = extension.synack_ts_ns;
    attempt.last_frame_delta = extension.last_frame_delta;
    attempt.synack_frame_delta = extension.synack_frame_delta;
    attempt.server_isn = extension.server_isn;
    attempt.server_wire_bytes = extension.server_wire_bytes;
    attempt.syn_retransmit_delta = extension.syn_retransmit_delta;
    attempt.synack_retransmit_delta = extension.synack_retransmit_delta;
    attempt.server_options = extension.server_options;
    attempt.server_window = extension.server_window;
    attempt.synack_count = extension.synack_count;
    attempt.synack_seen = extension.synack_count != 0;
    return attempt;
}

void HalfOpenStore::remove(Index index) {
    Core& core = m_cores[index];
    if (core.extension != k_none) m_free_extensions.push_back(core.extension);
    if ((core.bits & k_wide_key) != 0) m_free_wide_keys.push_back(core.addr_a);
    core.extension = k_none;
    core.family = 0;
    m_free_cores.push_back(index);
}

bool HalfOpenStore::key_equals(Index index, const FlowKey& key) const noexcept {
    const Core& core = m_cores[index];
    if ((core.bits & k_wide_key) != 0) return m_wide_keys[core.addr_a].key == key;
    return key.context() == 0 && core.port_a == key.port_a && core.port_b == key.port_b && core.family == key.family &&
           key.addr_a[0] == word_of(core.addr_a) && key.addr_b[0] == word_of(core.addr_b) && key.addr_a[1] == 0 &&
           key.addr_b[1] == 0;
}

FlowKey HalfOpenStore::key(Index index) const noexcept {
    const Core& core = m_cores[index];
    if ((core.bits & k_wide_key) != 0) return m_wide_keys[core.addr_a].key;
    FlowKey key;
    key.addr_a[0] = word_of(core.addr_a);
    key.addr_b[0] = word_of(core.addr_b);
    key.port_a = core.port_a;
    key.port_b = core.port_b;
    key.family = core.family;
    return key;
}

std::int64_t HalfOpenStore::last_ts_ns(Index index) const noexcept {
    const Core& core = m_cores[index];
    return core.extension == k_none ? core.first_ts_ns : m_extensions[core.extension].last_ts_ns;
}

void HalfOpenStore::prefetch(Index index) const noexcept { prefetch_line(&m_cores[index]); }

void HalfOpenStore::prefetch_next() const noexcept {
    const Index index = next_index();
    if (index < m_cores.size()) {
        prefetch_for_write(&m_cores[index]);
    } else if (const Core* fresh = m_cores.next_slot(); fresh != nullptr) {
        prefetch_for_write(fresh);
    }
}

std::size_t HalfOpenStore::memory_bytes() const noexcept {
    return m_cores.memory_bytes() + m_extensions.memory_bytes() + m_wide_keys.memory_bytes() +
           (m_free_cores.capacity() + m_free_extensions.capacity() + m_free_wide_keys.capacity()) *
               sizeof(std::uint32_t);
}

}  // namespace tcpvet::flow
