// The conversation tracker: flow lookup, compact half-open attempts, endpoint state machines, endings.
#include "tcpvet/flow/tracker.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <limits>
#include <unordered_map>

#include "tcpvet/flow/conversation_judge.hpp"
#include "tcpvet/flow/segment_classifier.hpp"
#include "tcpvet/prefetch.hpp"
#include "tcpvet/seq.hpp"

namespace tcpvet::flow {
namespace {

constexpr RecordHandle k_half_open_bit = 0x80000000U;
constexpr std::int64_t k_sweep_interval_ns = 5LL * 1'000'000'000;
// How many records ahead finish() and sweeps load the ones they end.
constexpr std::size_t k_finish_lookahead = 8;
// A packet whose seq lies this close to where an idle conversation stopped continues it.
constexpr std::int32_t k_resume_distance = 1 << 24;

bool is_half_open_handle(RecordHandle handle) noexcept { return (handle & k_half_open_bit) != 0; }

constexpr std::int64_t k_never = std::numeric_limits<std::int64_t>::max();

// `since + span` without overflow (a timeout of centuries means never).
std::int64_t time_after(std::int64_t since, std::int64_t span) noexcept {
    std::int64_t due = 0;
    return __builtin_add_overflow(since, span, &due) ? (span > 0 ? k_never : std::numeric_limits<std::int64_t>::min())
                                                     : due;
}

// Mirrors a record's due time at its slab index (k_never when the slot is free), growing with it.
template <typename DueTimes>
void set_due(DueTimes& due, std::size_t index, std::int64_t at) {
    if (index >= due.size()) due.resize(std::max(index + 1, due.size() * 2), k_never);
    due[index] = at;
}
std::uint32_t slab_index(RecordHandle handle) noexcept { return handle & ~k_half_open_bit; }

std::uint16_t control_bits(const DecodedPacket& packet) noexcept {
    return packet.tcp.flags & (tcp_flag::syn | tcp_flag::ack | tcp_flag::rst | tcp_flag::fin);
}
bool is_pure_syn(const DecodedPacket& packet) noexcept {
    return control_bits(packet) == tcp_flag::syn && packet.payload_len == 0;
}
bool is_pure_syn_ack(const DecodedPacket& packet) noexcept {
    return control_bits(packet) == (tcp_flag::syn | tcp_flag::ack) && packet.payload_len == 0;
}

PackedSynOptions pack_options(const TcpOptions& options) noexcept {
    PackedSynOptions packed;
    packed.mss = options.mss;
    packed.window_scale = options.has_window_scale ? static_cast<std::int8_t>(options.window_scale) : std::int8_t{-1};
    packed.bits = static_cast<std::uint8_t>((options.has_mss ? PackedSynOptions::k_has_mss : 0) |
                                            (options.sack_permitted ? PackedSynOptions::k_sack_permitted : 0) |
                                            (options.has_timestamps ? PackedSynOptions::k_timestamps : 0));
    return packed;
}

TcpOptions unpack_options(const PackedSynOptions& packed) noexcept {
    TcpOptions options;
    options.mss = packed.mss;
    options.has_mss = (packed.bits & PackedSynOptions::k_has_mss) != 0;
    options.has_window_scale = packed.window_scale >= 0;
    options.window_scale = options.has_window_scale ? static_cast<std::uint8_t>(packed.window_scale) : 0;
    options.sack_permitted = (packed.bits & PackedSynOptions::k_sack_permitted) != 0;
    options.has_timestamps = (packed.bits & PackedSynOptions::k_timestamps) != 0;
    return options;
}

// Forwards one direction's reassembled bytes to the observer, naming the conversation and side.
class SideSink : public StreamSink {
public:
    SideSink(TrackerObserver& observer, const Conversation& conversation, unsigned side)
        : m_observer(observer), m_conversation(conversation), m_side(side) {}
    void on_stream_data(std::uint64_t offset, Bytes data) override {
        m_observer.on_stream_data(m_conversation, m_side, offset, data);
    }
    void on_stream_gap(std::uint64_t offset, std::uint64_t length) override {
        m_observer.on_stream_gap(m_conversation, m_side, offset, length);
    }

private:
    TrackerObserver& m_observer;
    const Conversation& m_conversation;
    unsigned m_side;
};

struct FlowKeyHasher {
    std::size_t operator()(const FlowKey& key) const noexcept { return hash_flow_key(key); }
};

}  // namespace

// What is remembered of a conversation after its record ended, so that a later packet on the same
// 5-tuple is recognised as a resumption (same stream) or a port reuse (new stream, linked).
struct Tombstone {
    std::uint64_t generation = 0;  // matches its entry in the age queue (older entries are stale)
    std::uint32_t stream = 0;
    bool originator_is_a = true;
    std::array<bool, 2> next_seq_known{};
    std::array<std::uint32_t, 2> next_seq{};
    std::array<bool, 2> isn_known{};
    std::array<std::uint32_t, 2> isn{};
    analysis::SequenceAnalyzer sequence{};
};

// Tombstones live outside the hot path: they are consulted only when a packet starts a new flow.
struct Tracker::Slab {
    std::unordered_map<FlowKey, Tombstone, FlowKeyHasher> tombstones;
    std::deque<std::pair<FlowKey, std::uint64_t>> tombstone_order;  // oldest first, with generations
    std::uint64_t next_generation = 0;
};

Tracker::Tracker(TrackerOptions options, TrackerObserver& observer)
    : m_options(options), m_observer(observer), m_table(4096), m_tombs(std::make_unique<Slab>()) {
    m_budget.limit = options.reassembly_global_bytes;
}

Tracker::~Tracker() = default;

Tracker::Lookup Tracker::find(const DecodedPacket& packet) noexcept {
    Lookup where;
    where.key = make_flow_key(packet, where.src_is_a);
    where.hash = hash_flow_key(where.key);
    return where;
}

bool SweepClock::due(std::int64_t packet_ns) noexcept {
    if (packet_ns < m_next_ns) return false;
    m_next_ns = time_after(packet_ns, k_sweep_interval_ns);
    return true;
}

void Tracker::process(const DecodedPacket& packet) {
    if (!m_options.external_sweeps && m_sweep_clock.due(packet.ts_ns)) sweep_at(packet.ts_ns);
    m_now_ns = packet.ts_ns;
    m_max_ts_ns = std::max(m_max_ts_ns, packet.ts_ns);
    AheadLookup& ahead = m_ahead[packet.frame % k_ahead_slots];
    const bool prefetched = ahead.valid && ahead.frame == packet.frame;
    const Lookup where = prefetched ? ahead.lookup : find(packet);
    if (prefetched) ahead.valid = false;
    const RecordHandle handle = m_table.find(where.hash, [&](RecordHandle candidate) {
        return is_half_open_handle(candidate) ? m_half_open.key_equals(slab_index(candidate), where.key)
                                              : m_conversations[slab_index(candidate)].key == where.key;
    });
    if (handle == k_no_record) {
        handle_new_flow(packet, where);
    } else if (is_half_open_handle(handle)) {
        handle_half_open(packet, where, handle);
    } else {
        handle_conversation(packet, where, handle);
    }
}

void Tracker::prefetch(const DecodedPacket& packet) noexcept {
    AheadLookup& ahead = m_ahead[packet.frame % k_ahead_slots];
    ahead = AheadLookup{packet.frame, true, find(packet)};
    m_table.prefetch(ahead.lookup.hash);
}

void Tracker::handle_new_flow(const DecodedPacket& packet, const Lookup& where) {
    std::uint32_t reused_from = Conversation::k_no_stream;
    if (!m_tombs->tombstones.empty()) {
        const auto it = m_tombs->tombstones.find(where.key);
        if (it != m_tombs->tombstones.end()) {
            // A copy: making room below may end conversations, whose tombstones rehash the map.
            const Tombstone tomb = it->second;
            m_tombs->tombstones.erase(it);
            const unsigned sender = (where.src_is_a == tomb.originator_is_a) ? 0U : 1U;
            const bool new_isn = (packet.tcp.flags & tcp_flag::syn) != 0 &&
                                 (!tomb.isn_known[sender] || tomb.isn[sender] != packet.tcp.seq);
            const bool continues = !new_isn && tomb.next_seq_known[sender] &&
                                   std::abs(seq::diff(packet.tcp.seq, tomb.next_seq[sender])) < k_resume_distance;
            if (continues) {
                make_room();
                const RecordHandle handle = start_conversation(packet, where, tomb.stream, Conversation::k_no_stream);
                Conversation& conversation = m_conversations[slab_index(handle)];
                conversation.resumed = true;
                conversation.midstream = true;
                conversation.originator_is_a = tomb.originator_is_a;
                conversation.side[0].endpoint = tomb.originator_is_a ? endpoint_a(where.key) : endpoint_b(where.key);
                conversation.side[1].endpoint = tomb.originator_is_a ? endpoint_b(where.key) : endpoint_a(where.key);
                for (unsigned s = 0; s < 2; ++s) {
                    conversation.side[s].isn_known = tomb.isn_known[s];
                    conversation.side[s].isn = tomb.isn[s];
                    conversation.side[s].syn_acked = tomb.isn_known[s];
                }
                conversation.sequence = tomb.sequence;
                ++m_stats.resumed;
                record_finding(conversation, Finding{analysis::FindingKind::resumed_after_timeout, packet.frame,
                                                     static_cast<std::uint8_t>(sender), false, 0, 0, 0});
                SegmentInfo info;
                track_segment(conversation, sender, packet, info);
                schedule(handle, conversation);
                m_observer.on_segment(packet, info);
                return;
            }
            if (new_isn) reused_from = tomb.stream;
        }
    }

    const std::uint32_t stream = m_next_stream++;
    make_room();
    if (m_options.compact_half_open && is_pure_syn(packet)) {
        start_half_open(packet, where, stream, reused_from);
        return;
    }
    const RecordHandle handle = start_conversation(packet, where, stream, reused_from);
    Conversation& conversation = m_conversations[slab_index(handle)];
    const unsigned sender = (where.src_is_a == conversation.originator_is_a) ? 0U : 1U;
    SegmentInfo info;
    track_segment(conversation, sender, packet, info);
    schedule(handle, conversation);
    m_observer.on_segment(packet, info);
}

void Tracker::start_half_open(const DecodedPacket& packet, const Lookup& where, std::uint32_t stream,
                              std::uint32_t reused_from, RecordHandle in_place_of) {
    HalfOpen attempt;
    attempt.key = where.key;
    attempt.stream = stream;
    attempt.client_isn = packet.tcp.seq;
    attempt.syn_count = 1;
    attempt.first_ts_ns = packet.ts_ns;
    attempt.last_ts_ns = packet.ts_ns;
    attempt.first_frame = packet.frame;
    attempt.client_wire_bytes = packet.wire_len;
    attempt.client_window = packet.tcp.window;
    attempt.client_options = pack_options(packet.tcp.options);
    attempt.originator_is_a = where.src_is_a;
    attempt.reused_from_stream = reused_from;
    attempt.encapsulation = packet.encapsulation;
    const RecordHandle index = m_half_open.add(attempt);
    if (in_place_of == k_no_record) {
        m_table.insert(where.hash, index | k_half_open_bit);
    } else if (in_place_of != (index | k_half_open_bit)) {
        (void)m_table.replace(where.hash, in_place_of, index | k_half_open_bit);
    }
    set_due(m_half_open_due, index, time_after(attempt.last_ts_ns, m_options.idle_timeout_ns));
    ++m_stats.half_open_created;
    note_memory();
    prefetch_next_half_open();

    SegmentInfo info;
    info.stream = stream;
    info.side = 0;
    info.analysis.rel_seq = 0;
    info.analysis.rel_ack = packet.tcp.ack;  // ACK bit clear: Wireshark shows the raw field
    if (reused_from != Conversation::k_no_stream)
        info.analysis.flags |= analysis::bit(analysis::SegmentFlag::reused_ports);
    info.state_after = {TcpState::syn_sent, TcpState::listen};
    info.sender_window = packet.tcp.window;  // a SYN's window is never scaled
    info.compact = true;
    m_observer.on_segment(packet, info);
}

// Writes back an attempt a packet changed, and when it is due again.
void Tracker::store_half_open(HalfOpenStore::Index index, const HalfOpen& attempt) {
    m_half_open.store(index, attempt);
    m_half_open_due[index] = time_after(attempt.last_ts_ns, m_options.idle_timeout_ns);
}

// A flood writes a new compact record for every SYN, a store that misses cache: start loading the
// record (and due time) the next attempt will get, while this packet's observers run.
void Tracker::prefetch_next_half_open() const noexcept {
    m_half_open.prefetch_next();
    const std::size_t index = m_half_open.next_index();
    if (index < m_half_open_due.size()) prefetch_for_write(&m_half_open_due[index]);
}

void Tracker::handle_half_open(const DecodedPacket& packet, const Lookup& where, RecordHandle handle) {
    HalfOpen attempt = m_half_open.load(slab_index(handle));
    const bool from_client = where.src_is_a == attempt.originator_is_a;
    const std::uint32_t frame_delta = static_cast<std::uint32_t>(packet.frame - attempt.first_frame);

    // A SYN repeated with the same ISN before any answer: a retransmission, still compact.
    if (from_client && is_pure_syn(packet) && packet.tcp.seq == attempt.client_isn && !attempt.synack_seen &&
        attempt.syn_count < 0xFFFF) {
        if (attempt.syn_count <= HalfOpen::k_kept_retransmissions) {
            attempt.syn_retransmit_delta[attempt.syn_count - 1U] = frame_delta;
        }
        ++attempt.syn_count;
        attempt.last_ts_ns = packet.ts_ns;
        attempt.last_frame_delta = frame_delta;
        attempt.client_wire_bytes += packet.wire_len;
        store_half_open(slab_index(handle), attempt);
        SegmentInfo info;
        info.stream = attempt.stream;
        info.side = 0;
        info.analysis.rel_ack = packet.tcp.ack;
        info.analysis.flags = analysis::bit(analysis::SegmentFlag::retransmission);
        info.state_after = {TcpState::syn_sent, TcpState::listen};
        info.sender_window = packet.tcp.window;  // a SYN's window is never scaled
        info.compact = true;
        m_observer.on_segment(packet, info);
        return;
    }
    // The SYN-ACK (or its retransmission) that acknowledges the SYN: still compact.
    if (!from_client && is_pure_syn_ack(packet) && packet.tcp.ack == attempt.client_isn + 1 &&
        (!attempt.synack_seen || packet.tcp.seq == attempt.server_isn) && attempt.synack_count < 0xFFFF) {
        const bool retransmission = attempt.synack_seen;
        if (!attempt.synack_seen) {
            attempt.synack_seen = true;
            attempt.server_isn = packet.tcp.seq;
            attempt.synack_ts_ns = packet.ts_ns;
            attempt.synack_frame_delta = frame_delta;
            attempt.server_window = packet.tcp.window;
            attempt.server_options = pack_options(packet.tcp.options);
        }
        if (retransmission && attempt.synack_count <= HalfOpen::k_kept_retransmissions) {
            attempt.synack_retransmit_delta[attempt.synack_count - 1U] = frame_delta;
        }
        ++attempt.synack_count;
        attempt.last_ts_ns = packet.ts_ns;
        attempt.last_frame_delta = frame_delta;
        attempt.server_wire_bytes += packet.wire_len;
        store_half_open(slab_index(handle), attempt);
        SegmentInfo info;
        info.stream = attempt.stream;
        info.side = 1;
        info.analysis.rel_seq = 0;
        info.analysis.rel_ack = 1;
        if (retransmission) info.analysis.flags = analysis::bit(analysis::SegmentFlag::retransmission);
        info.state_after = {TcpState::syn_sent, TcpState::syn_received};
        info.sender_window = packet.tcp.window;  // a SYN's window is never scaled
        info.compact = true;
        m_observer.on_segment(packet, info);
        return;
    }
    // A new SYN with another ISN: Wireshark starts a new tcp.stream (port reuse).
    if (from_client && is_pure_syn(packet) && packet.tcp.seq != attempt.client_isn) {
        const std::uint32_t old_stream = attempt.stream;
        end_half_open(handle, where.hash, analysis::EndReason::port_reuse, true);
        ++m_stats.ended_port_reuse;
        const std::uint32_t stream = m_next_stream++;
        start_half_open(packet, where, stream, old_stream, handle);
        return;
    }
    const RecordHandle promoted = promote(handle, where.hash);
    handle_conversation(packet, where, promoted);
}

void Tracker::handle_conversation(const DecodedPacket& packet, const Lookup& where, RecordHandle handle) {
    Conversation* conversation = &m_conversations[slab_index(handle)];
    unsigned sender = (where.src_is_a == conversation->originator_is_a) ? 0U : 1U;
    // Wireshark: a SYN whose seq differs from the sender's base sequence starts a new tcp.stream.
    const analysis::SequenceDirection& direction = conversation->sequence.direction(sender);
    if ((control_bits(packet) & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn && direction.base_seq_set &&
        packet.tcp.seq != direction.base_seq) {
        const std::uint32_t old_stream = conversation->stream;
        const bool compact = m_options.compact_half_open && is_pure_syn(packet);
        end_conversation(handle, where.hash, analysis::EndReason::port_reuse, compact);
        ++m_stats.ended_port_reuse;
        m_tombs->tombstones.erase(where.key);
        const std::uint32_t stream = m_next_stream++;
        if (compact) {
            start_half_open(packet, where, stream, old_stream, handle);
            return;
        }
        handle = start_conversation(packet, where, stream, old_stream);
        conversation = &m_conversations[slab_index(handle)];
        sender = (where.src_is_a == conversation->originator_is_a) ? 0U : 1U;
    }
    SegmentInfo info;
    track_segment(*conversation, sender, packet, info);
    schedule(handle, *conversation);
    m_observer.on_segment(packet, info);
}

RecordHandle Tracker::start_conversation(const DecodedPacket& packet, const Lookup& where, std::uint32_t stream,
                                         std::uint32_t reused_from) {
    RecordHandle index;
    if (!m_free_conversations.empty()) {
        index = m_free_conversations.back();
        m_free_conversations.pop_back();
    } else {
        index = static_cast<RecordHandle>(m_conversations.size());
        (void)m_conversations.emplace_back();
    }
    Conversation& conversation = m_conversations[index];
    conversation = Conversation{};
    conversation.stream = stream;
    conversation.key = where.key;
    conversation.first_ts_ns = packet.ts_ns;
    conversation.last_ts_ns = packet.ts_ns;
    conversation.first_frame = packet.frame;
    conversation.last_frame = packet.frame;
    conversation.reused_from_stream = reused_from;
    conversation.encapsulation = packet.encapsulation;

    // Originator: the SYN's sender; the receiver of a SYN-ACK seen first (Zeek's flip); else the
    // sender of the first packet (midstream).
    const std::uint16_t bits = control_bits(packet);
    const bool syn_ack_first = (bits & (tcp_flag::syn | tcp_flag::ack)) == (tcp_flag::syn | tcp_flag::ack);
    const bool syn_first = (bits & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn;
    conversation.originator_is_a = syn_ack_first ? !where.src_is_a : where.src_is_a;
    conversation.midstream = !syn_first && !syn_ack_first;
    conversation.side[0].endpoint = conversation.originator_is_a ? endpoint_a(where.key) : endpoint_b(where.key);
    conversation.side[1].endpoint = conversation.originator_is_a ? endpoint_b(where.key) : endpoint_a(where.key);
    if (syn_first) {
        set_initial_state(conversation.side[0], TcpState::closed, packet.ts_ns);
        set_initial_state(conversation.side[1], TcpState::listen, packet.ts_ns);
    } else if (syn_ack_first) {
        // Its SYN was not captured, but the SYN-ACK proves it was sent.
        set_initial_state(conversation.side[0], TcpState::syn_sent, packet.ts_ns);
        set_initial_state(conversation.side[1], TcpState::listen, packet.ts_ns);
    } else {
        set_initial_state(conversation.side[0], TcpState::unknown, packet.ts_ns);
        set_initial_state(conversation.side[1], TcpState::unknown, packet.ts_ns);
        conversation.handshake = analysis::HandshakeVerdict::midstream;
    }
    if (reused_from != Conversation::k_no_stream) {
        const unsigned sender = (where.src_is_a == conversation.originator_is_a) ? 0U : 1U;
        record_finding(conversation, Finding{analysis::FindingKind::port_reused, packet.frame,
                                             static_cast<std::uint8_t>(sender), false, 0, 0, 0});
    }
    m_table.insert(where.hash, index);
    ++m_live_conversations;
    ++m_stats.conversations;
    note_memory();
    return index;
}

RecordHandle Tracker::promote(RecordHandle half_open_handle, std::uint64_t hash) {
    const HalfOpen attempt = m_half_open.load(slab_index(half_open_handle));
    m_table.erase(hash, half_open_handle);
    m_half_open.remove(slab_index(half_open_handle));
    set_due(m_half_open_due, slab_index(half_open_handle), k_never);
    ++m_stats.promoted;

    RecordHandle index;
    if (!m_free_conversations.empty()) {
        index = m_free_conversations.back();
        m_free_conversations.pop_back();
    } else {
        index = static_cast<RecordHandle>(m_conversations.size());
        (void)m_conversations.emplace_back();
    }
    rebuild_from_half_open(attempt, m_conversations[index]);
    m_table.insert(hash, index);
    ++m_live_conversations;
    ++m_stats.conversations;
    note_memory();
    return index;
}

// Replays the attempt's SYN(s) and SYN-ACK(s) through the full path, so the promoted conversation
// carries the same state, analysis and history as if it had been full from the first packet.
void Tracker::rebuild_from_half_open(const HalfOpen& attempt, Conversation& conversation) {
    conversation = Conversation{};
    const Endpoint client = attempt.originator_is_a ? endpoint_a(attempt.key) : endpoint_b(attempt.key);
    const Endpoint server = attempt.originator_is_a ? endpoint_b(attempt.key) : endpoint_a(attempt.key);

    DecodedPacket syn;
    syn.cls = PacketClass::tcp;
    syn.ip_version = client.addr.family;
    syn.src = client.addr;
    syn.dst = server.addr;
    syn.tcp.src_port = client.port;
    syn.tcp.dst_port = server.port;
    syn.tcp.seq = attempt.client_isn;
    syn.tcp.flags = tcp_flag::syn;
    syn.tcp.window = attempt.client_window;
    syn.tcp.data_offset = 5;
    syn.tcp.options = unpack_options(attempt.client_options);
    syn.frame = attempt.first_frame;
    syn.ts_ns = attempt.first_ts_ns;
    syn.encapsulation = attempt.encapsulation;
    syn.flow_context = attempt.key.context();

    Lookup where;
    where.key = attempt.key;
    where.hash = 0;
    where.src_is_a = attempt.originator_is_a;

    conversation.stream = attempt.stream;
    conversation.key = attempt.key;
    conversation.first_ts_ns = attempt.first_ts_ns;
    conversation.first_frame = attempt.first_frame;
    conversation.originator_is_a = attempt.originator_is_a;
    conversation.reused_from_stream = attempt.reused_from_stream;
    conversation.encapsulation = attempt.encapsulation;
    conversation.side[0].endpoint = client;
    conversation.side[1].endpoint = server;
    set_initial_state(conversation.side[0], TcpState::closed, attempt.first_ts_ns);
    set_initial_state(conversation.side[1], TcpState::listen, attempt.first_ts_ns);
    if (attempt.reused_from_stream != Conversation::k_no_stream) {
        record_finding(conversation,
                       Finding{analysis::FindingKind::port_reused, attempt.first_frame, 0, false, 0, 0, 0});
    }

    SegmentInfo ignored;
    track_segment(conversation, 0, syn, ignored);
    const auto retransmission_frame = [&attempt](const auto& deltas, std::uint16_t i) {
        return attempt.first_frame +
               (i <= HalfOpen::k_kept_retransmissions ? deltas[i - 1U] : attempt.last_frame_delta);
    };
    for (std::uint16_t i = 1; i < attempt.syn_count; ++i) {
        syn.frame = retransmission_frame(attempt.syn_retransmit_delta, i);
        syn.ts_ns = attempt.synack_seen ? std::min(attempt.synack_ts_ns, attempt.last_ts_ns) : attempt.last_ts_ns;
        track_segment(conversation, 0, syn, ignored);
    }
    if (attempt.synack_seen) {
        DecodedPacket synack = syn;
        synack.src = server.addr;
        synack.dst = client.addr;
        synack.tcp.src_port = server.port;
        synack.tcp.dst_port = client.port;
        synack.tcp.seq = attempt.server_isn;
        synack.tcp.ack = attempt.client_isn + 1;
        synack.tcp.flags = tcp_flag::syn | tcp_flag::ack;
        synack.tcp.window = attempt.server_window;
        synack.tcp.options = unpack_options(attempt.server_options);
        synack.frame = attempt.first_frame + attempt.synack_frame_delta;
        synack.ts_ns = attempt.synack_ts_ns;
        track_segment(conversation, 1, synack, ignored);
        for (std::uint16_t i = 1; i < attempt.synack_count; ++i) {
            synack.frame = retransmission_frame(attempt.synack_retransmit_delta, i);
            synack.ts_ns = attempt.last_ts_ns;
            track_segment(conversation, 1, synack, ignored);
        }
    }
    // Byte totals are exact in the compact record; the replay only approximated frame sizes.
    conversation.side[0].wire_bytes = attempt.client_wire_bytes;
    conversation.side[1].wire_bytes = attempt.server_wire_bytes;
    conversation.last_ts_ns = attempt.last_ts_ns;
    conversation.last_frame = attempt.first_frame + attempt.last_frame_delta;
}

// A conversation is due when idle past the timeout, or, once closed, past the linger time.
void Tracker::schedule(RecordHandle handle, const Conversation& conversation) {
    const std::int64_t span = is_closed(conversation) ? std::min(m_options.closed_linger_ns, m_options.idle_timeout_ns)
                                                      : m_options.idle_timeout_ns;
    set_due(m_conversation_due, slab_index(handle), time_after(conversation.last_ts_ns, span));
}

void Tracker::track_segment(Conversation& conversation, unsigned side, const DecodedPacket& packet, SegmentInfo& info) {
    info.stream = conversation.stream;
    info.side = static_cast<std::uint8_t>(side);
    info.analysis = conversation.sequence.analyze(side, packet);
    // Checksums do not steer the analysis (as `zeek -C`): captures taken on a sending host carry
    // offloaded, unfinished checksums. They are counted in the capture statistics instead.
    conversation.zeek.on_segment(side == 0, packet, false);
    classify_segment(conversation, side, packet, info.analysis);
    reassemble(conversation, side, packet);
    if (conversation.last_frame < packet.frame || conversation.last_frame == 0) conversation.last_frame = packet.frame;
    conversation.last_ts_ns = std::max(conversation.last_ts_ns, packet.ts_ns);
    info.state_after = {conversation.side[0].state, conversation.side[1].state};
    info.conversation = &conversation;
    describe_conversation(conversation, side, packet, info);
}

void Tracker::describe_conversation(Conversation& conversation, unsigned side, const DecodedPacket& packet,
                                    SegmentInfo& info) {
    info.established = conversation.established;
    info.completes_handshake = side == 0 && conversation.handshake_frames[2] == packet.frame;
    // A stall opens at a zero-window segment and closes at the sender's next nonzero window
    // (Wireshark's tcp.analysis.zero_window, which skips SYN, FIN and RST segments).
    EndpointRecord& sender = conversation.side[side];
    if ((packet.tcp.flags & (tcp_flag::syn | tcp_flag::rst)) == 0) {
        if (analysis::has(info.analysis.flags, analysis::SegmentFlag::zero_window)) {
            sender.zero_window_open = true;
        } else if (packet.tcp.window != 0 && sender.zero_window_open) {
            sender.zero_window_open = false;
            info.closes_zero_window = true;
        }
    }
    const EndpointRecord& receiver = conversation.side[side ^ 1U];
    info.receiver_ack_known = receiver.ack_known;
    info.receiver_ack = receiver.last_ack_sent;
    // RFC 7323 §2.3: the scale applies only when both SYNs offered it; without the SYNs, assume
    // the largest shift (14) rather than call a scaled window too small.
    const bool scaling_known =
        conversation.side[0].options.window_scale >= 0 && conversation.side[1].options.window_scale >= 0;
    const bool syns_seen = conversation.side[0].isn_known && conversation.side[1].isn_known;
    unsigned shift = 0;
    if (scaling_known) shift = static_cast<unsigned>(std::min<int>(receiver.options.window_scale, 14));
    if (!syns_seen) shift = 14;
    info.receiver_window = std::uint64_t{receiver.last_window} << shift;
    // RFC 7323 §2.2: the window field of a SYN is never scaled.
    unsigned sender_shift = 0;
    if (scaling_known) sender_shift = static_cast<unsigned>(std::min<int>(sender.options.window_scale, 14));
    if (!syns_seen) sender_shift = 14;
    if (packet.tcp.has(tcp_flag::syn)) sender_shift = 0;
    info.sender_window = std::uint64_t{packet.tcp.window} << sender_shift;
}

// Payload goes to the sender's stream; the ACK field lets the peer's stream skip what never came.
void Tracker::reassemble(Conversation& conversation, unsigned side, const DecodedPacket& packet) {
    const TcpHeader& tcp = packet.tcp;
    if (tcp.has(tcp_flag::rst)) return;
    const bool syn = tcp.has(tcp_flag::syn);
    if (packet.payload_len > 0) {
        StreamReassembler& stream = conversation.reassembly[side];
        const std::uint32_t data_seq = tcp.seq + (syn ? 1U : 0U);
        if (!stream.started()) {
            const EndpointRecord& sender = conversation.side[side];
            stream.start(sender.isn_known ? sender.isn + 1 : data_seq);
        }
        if (m_options.stream_bytes) {
            SideSink sink(m_observer, conversation, side);
            stream.add(data_seq, packet.payload_len, packet.payload, m_options.reassembly, m_budget, &sink);
        } else {
            stream.add(data_seq, packet.payload_len, {}, m_options.reassembly, m_budget, nullptr);
        }
    }
    if (tcp.has(tcp_flag::ack)) {
        StreamReassembler& peer_stream = conversation.reassembly[side ^ 1U];
        if (!peer_stream.started()) return;
        if (m_options.stream_bytes) {
            SideSink sink(m_observer, conversation, side ^ 1U);
            peer_stream.acknowledged(tcp.ack, m_budget, &sink);
        } else {
            peer_stream.acknowledged(tcp.ack, m_budget, nullptr);
        }
    }
}

void Tracker::finish_reassembly(Conversation& conversation) {
    for (unsigned side = 0; side < 2; ++side) {
        StreamReassembler& stream = conversation.reassembly[side];
        if (!stream.started()) continue;
        if (m_options.stream_bytes) {
            SideSink sink(m_observer, conversation, side);
            stream.finish(m_budget, &sink);
        } else {
            stream.finish(m_budget, nullptr);
        }
    }
}

void Tracker::end_conversation(RecordHandle handle, std::uint64_t hash, analysis::EndReason reason, bool keep_entry) {
    Conversation& conversation = m_conversations[slab_index(handle)];
    finish_reassembly(conversation);
    conversation.end_reason = reason;
    conversation.timed_out = reason == analysis::EndReason::idle_timeout;
    const std::int64_t end_ns = reason == analysis::EndReason::end_of_capture
                                    ? std::max(m_now_ns, conversation.last_ts_ns)
                                    : conversation.last_ts_ns;
    judge_conversation(conversation, end_ns);
    m_observer.on_conversation_end(conversation);

    if (reason == analysis::EndReason::idle_timeout || reason == analysis::EndReason::closed ||
        reason == analysis::EndReason::evicted) {
        remember(conversation);
    }
    if (!m_finishing && !keep_entry) m_table.erase(hash, handle);
    set_due(m_conversation_due, slab_index(handle), k_never);  // (a record may end before its first schedule())
    conversation.key.family = 0;
    conversation.findings.clear();
    m_free_conversations.push_back(slab_index(handle));
    --m_live_conversations;
}

void Tracker::remember(const Conversation& conversation) {
    Tombstone tomb;
    tomb.stream = conversation.stream;
    tomb.originator_is_a = conversation.originator_is_a;
    for (unsigned s = 0; s < 2; ++s) {
        tomb.next_seq_known[s] = conversation.side[s].next_seq_known;
        tomb.next_seq[s] = conversation.side[s].next_seq;
        tomb.isn_known[s] = conversation.side[s].isn_known;
        tomb.isn[s] = conversation.side[s].isn;
    }
    tomb.sequence = conversation.sequence;
    tomb.generation = m_tombs->next_generation++;
    m_tombs->tombstones.insert_or_assign(conversation.key, tomb);
    m_tombs->tombstone_order.emplace_back(conversation.key, tomb.generation);
    // Oldest first; an entry whose tombstone was since used or replaced is stale and only dropped.
    while (m_tombs->tombstone_order.size() > m_options.max_tombstones) {
        const auto& [key, generation] = m_tombs->tombstone_order.front();
        const auto found = m_tombs->tombstones.find(key);
        if (found != m_tombs->tombstones.end() && found->second.generation == generation) {
            m_tombs->tombstones.erase(found);
        }
        m_tombs->tombstone_order.pop_front();
    }
}

void Tracker::materialize(const HalfOpen& attempt, analysis::EndReason reason, std::int64_t capture_end_ns,
                          Conversation& out) {
    rebuild_from_half_open(attempt, out);
    out.end_reason = reason;
    out.timed_out = reason == analysis::EndReason::idle_timeout;
    judge_conversation(out, reason == analysis::EndReason::end_of_capture ? std::max(capture_end_ns, attempt.last_ts_ns)
                                                                          : attempt.last_ts_ns);
}

void Tracker::end_half_open(RecordHandle handle, std::uint64_t hash, analysis::EndReason reason, bool keep_entry) {
    HalfOpen attempt = m_half_open.load(slab_index(handle));
    attempt.end_reason = reason;
    const Conversation* materialized = nullptr;
    if (m_observer.wants_half_open_conversation()) {
        materialize(attempt, reason, m_now_ns, m_scratch);
        m_observer.on_conversation_end(m_scratch);
        materialized = &m_scratch;
    }
    m_observer.on_half_open_end(attempt, materialized);
    ++m_stats.half_open_ended;
    if (!m_finishing && !keep_entry) m_table.erase(hash, handle);
    set_due(m_half_open_due, slab_index(handle), k_never);
    m_half_open.remove(slab_index(handle));
}

void Tracker::prefetch_record(RecordHandle handle) const noexcept {
    if (is_half_open_handle(handle)) {
        m_half_open.prefetch(slab_index(handle));
    } else {
        prefetch_line(&m_conversations[slab_index(handle)]);
    }
}

// Records due at `now_ns` end in stream order, so that shards sweeping at the same moment can be
// merged into the order a single tracker would have used.
void Tracker::sweep_at(std::int64_t now_ns) {
    m_now_ns = now_ns;
    // The due times sit in arrays of their own: a sweep reads 8 bytes a record, not the records.
    std::vector<std::pair<std::uint32_t, RecordHandle>> due;
    for (std::size_t i = 0; i < m_conversation_due.size(); ++i) {
        if (m_conversation_due[i] < now_ns) due.emplace_back(m_conversations[i].stream, static_cast<RecordHandle>(i));
    }
    for (std::size_t i = 0; i < m_half_open_due.size(); ++i) {
        if (m_half_open_due[i] < now_ns) {
            due.emplace_back(m_half_open.stream(static_cast<HalfOpenStore::Index>(i)),
                             static_cast<RecordHandle>(i) | k_half_open_bit);
        }
    }
    std::sort(due.begin(), due.end());
    for (std::size_t i = 0; i < due.size(); ++i) {
        if (i + k_finish_lookahead < due.size()) prefetch_record(due[i + k_finish_lookahead].second);
        const RecordHandle handle = due[i].second;
        if (is_half_open_handle(handle)) {
            ++m_stats.ended_idle_timeout;
            end_half_open(handle, hash_flow_key(m_half_open.key(slab_index(handle))),
                          analysis::EndReason::idle_timeout);
            continue;
        }
        Conversation& conversation = m_conversations[slab_index(handle)];
        const bool closed =
            is_closed(conversation) && time_after(conversation.last_ts_ns, m_options.closed_linger_ns) < now_ns;
        ++(closed ? m_stats.ended_closed : m_stats.ended_idle_timeout);
        end_conversation(handle, hash_flow_key(conversation.key),
                         closed ? analysis::EndReason::closed : analysis::EndReason::idle_timeout);
    }
}

// At a cap, the least recently active sixteenth of the records is ended with reason `evicted`:
// one O(n) pass buys room for n/16 new flows.
void Tracker::make_room() {
    const bool records_full = m_live_conversations + m_half_open.held() >= m_options.max_records;
    const bool conversations_full = m_live_conversations >= m_options.max_conversations;
    if (!records_full && !conversations_full) return;

    std::vector<std::pair<std::int64_t, RecordHandle>> ages;
    ages.reserve(static_cast<std::size_t>(m_live_conversations + m_half_open.held()));
    for (std::size_t i = 0; i < m_conversations.size(); ++i) {
        if (m_conversations[i].key.family != 0)
            ages.emplace_back(m_conversations[i].last_ts_ns, static_cast<RecordHandle>(i));
    }
    if (records_full) {
        for (HalfOpenStore::Index i = 0; i < m_half_open.slots(); ++i) {
            if (m_half_open.live(i)) {
                ages.emplace_back(m_half_open.last_ts_ns(i), i | k_half_open_bit);
            }
        }
    }
    const std::size_t evict = std::max<std::size_t>(1, ages.size() / 16);
    std::nth_element(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(evict - 1), ages.end());
    std::sort(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(evict));
    for (std::size_t i = 0; i < evict; ++i) {
        const RecordHandle handle = ages[i].second;
        if (is_half_open_handle(handle)) {
            ++m_stats.evicted_record_cap;
            end_half_open(handle, hash_flow_key(m_half_open.key(slab_index(handle))), analysis::EndReason::evicted);
        } else {
            if (records_full) {
                ++m_stats.evicted_record_cap;
            } else {
                ++m_stats.evicted_conversation_cap;
            }
            end_conversation(handle, hash_flow_key(m_conversations[handle].key), analysis::EndReason::evicted);
        }
    }
}

void Tracker::set_clock(std::int64_t last_packet_ns, std::int64_t newest_packet_ns) noexcept {
    m_now_ns = last_packet_ns;
    m_max_ts_ns = newest_packet_ns;
}

void Tracker::finish(std::int64_t end_ns) {
    m_now_ns = std::max(m_now_ns, end_ns);
    // The newest time seen, not the last packet's: captures merged from several hosts go back and forth.
    m_observer.on_capture_end(std::max(m_max_ts_ns, m_now_ns));
    // Stream numbers are dense and at most one record per stream is live, so a table indexed by
    // stream puts them in order without sorting (a flood ends millions here).
    std::vector<RecordHandle> by_stream(m_next_stream, k_no_record);
    for (std::size_t i = 0; i < m_conversations.size(); ++i) {
        if (m_conversations[i].key.family != 0) by_stream[m_conversations[i].stream] = static_cast<RecordHandle>(i);
    }
    for (HalfOpenStore::Index i = 0; i < m_half_open.slots(); ++i) {
        if (m_half_open.live(i)) {
            by_stream[m_half_open.stream(i)] = i | k_half_open_bit;
        }
    }
    m_finishing = true;  // every record ends: no need to unlink them from the table one by one
    // Slots are reused, so stream order jumps around the slabs: load a few records ahead.
    std::vector<RecordHandle>& ending = by_stream;
    std::erase(ending, k_no_record);
    for (std::size_t i = 0; i < ending.size(); ++i) {
        if (i + k_finish_lookahead < ending.size()) prefetch_record(ending[i + k_finish_lookahead]);
        const RecordHandle handle = ending[i];
        if (is_half_open_handle(handle)) {
            end_half_open(handle, 0, analysis::EndReason::end_of_capture);
        } else {
            end_conversation(handle, 0, analysis::EndReason::end_of_capture);
        }
    }
    m_table.clear();
    m_finishing = false;
}

void add_stats(TrackerStats& total, const TrackerStats& shard) noexcept {
    total.conversations += shard.conversations;
    total.half_open_created += shard.half_open_created;
    total.promoted += shard.promoted;
    total.half_open_ended += shard.half_open_ended;
    total.ended_idle_timeout += shard.ended_idle_timeout;
    total.ended_closed += shard.ended_closed;
    total.ended_port_reuse += shard.ended_port_reuse;
    total.evicted_record_cap += shard.evicted_record_cap;
    total.evicted_conversation_cap += shard.evicted_conversation_cap;
    total.resumed += shard.resumed;
    total.peak_records += shard.peak_records;
    total.peak_conversations += shard.peak_conversations;
    total.peak_memory_bytes += shard.peak_memory_bytes;
}

void ObserverChain::on_segment(const DecodedPacket& packet, const SegmentInfo& info) {
    for (TrackerObserver* observer : m_observers) observer->on_segment(packet, info);
}
bool ObserverChain::wants_segment(const DecodedPacket& packet, const SegmentInfo& info) const {
    return std::any_of(m_observers.begin(), m_observers.end(),
                       [&](const TrackerObserver* observer) { return observer->wants_segment(packet, info); });
}
void ObserverChain::on_conversation_end(const Conversation& conversation) {
    for (TrackerObserver* observer : m_observers) observer->on_conversation_end(conversation);
}
void ObserverChain::on_half_open_end(const HalfOpen& attempt, const Conversation* materialized) {
    for (TrackerObserver* observer : m_observers) observer->on_half_open_end(attempt, materialized);
}
bool ObserverChain::wants_half_open_conversation() {
    bool wants = false;
    for (TrackerObserver* observer : m_observers) wants = observer->wants_half_open_conversation() || wants;
    return wants;
}
void ObserverChain::on_stream_data(const Conversation& conversation, unsigned side, std::uint64_t offset, Bytes data) {
    for (TrackerObserver* observer : m_observers) observer->on_stream_data(conversation, side, offset, data);
}
void ObserverChain::on_stream_gap(const Conversation& conversation, unsigned side, std::uint64_t offset,
                                  std::uint64_t length) {
    for (TrackerObserver* observer : m_observers) observer->on_stream_gap(conversation, side, offset, length);
}

void ObserverChain::on_capture_end(std::int64_t end_ns) {
    for (TrackerObserver* observer : m_observers) observer->on_capture_end(end_ns);
}

void Tracker::note_memory() {
    const std::uint64_t records = m_live_conversations + m_half_open.held();
    m_stats.peak_records = std::max(m_stats.peak_records, records);
    m_stats.peak_conversations = std::max(m_stats.peak_conversations, m_live_conversations);
    const std::uint64_t bytes = m_table.memory_bytes() + m_conversations.memory_bytes() + m_half_open.memory_bytes() +
                                (m_conversation_due.capacity() + m_half_open_due.capacity()) * sizeof(std::int64_t);
    m_stats.peak_memory_bytes = std::max(m_stats.peak_memory_bytes, bytes);
}

}  // namespace tcpvet::flow
