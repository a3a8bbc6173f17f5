// The conversation tracker: decoded TCP packets in, per-segment facts and finished conversations out.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "tcpvet/analysis/sequence_analyzer.hpp"
#include "tcpvet/flow/chunked_slab.hpp"
#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/flow/flow_table.hpp"
#include "tcpvet/flow/half_open.hpp"
#include "tcpvet/flow/half_open_store.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::flow {

struct TrackerOptions {
    std::int64_t idle_timeout_ns = 600LL * 1'000'000'000;   // 10 min of capture time
    std::int64_t closed_linger_ns = 120LL * 1'000'000'000;  // a closed conversation's record is kept this long (2 MSL)
    std::uint64_t max_records = 4'000'000;                  // conversations + half-open attempts held at once
    std::uint64_t max_conversations = 1'000'000;            // full conversations held at once
    std::uint64_t max_tombstones = 65'536;  // ended conversations remembered for resumption and port-reuse links
    bool compact_half_open = true;          // keep handshake-only attempts in the compact form
    bool stream_bytes = false;     // copy payload for reassembly (follow, --dump-streams); accounting is always on
    bool external_sweeps = false;  // the caller runs sweep_at() (a sharded run sweeps every shard at once)
    ReassemblyLimits reassembly{};
    std::uint64_t reassembly_global_bytes = 256ULL << 20;  // out-of-order bytes buffered across all conversations
};

// What the tracker says about one TCP segment.
struct SegmentInfo {
    std::uint32_t stream = 0;
    std::uint8_t side = 0;  // 0: sent by the originator, 1: by the responder
    bool compact = false;   // the flow is still a compact half-open record (no Conversation)
    // Facts about the conversation right after this segment, so that an observer never needs the
    // live record: a threaded run hands segments over after the record has moved on.
    bool established = false;           // synchronized (the responder reached ESTABLISHED, or midstream)
    bool completes_handshake = false;   // the originator's ACK that completed the three-way handshake
    bool closes_zero_window = false;    // the sender's first nonzero window after it advertised zero
    bool receiver_ack_known = false;    // the peer has sent an ACK
    std::uint32_t receiver_ack = 0;     // the peer's highest cumulative ACK so far
    std::uint64_t receiver_window = 0;  // the peer's last window, scaled (RFC 7323; shift 14 before both SYNs)
    std::uint64_t sender_window = 0;    // this segment's window, scaled by the same rule (a SYN's never is)
    analysis::SegmentAnalysis analysis{};
    std::array<TcpState, 2> state_after{};  // [originator, responder]
    // The live record, valid during the call only; null when compact and in a threaded run.
    const Conversation* conversation = nullptr;
};

// Counts of what the tracker dropped or evicted, by reason (shown in every report).
struct TrackerStats {
    std::uint64_t conversations = 0;      // full conversations created
    std::uint64_t half_open_created = 0;  // attempts that started compact
    std::uint64_t promoted = 0;           // compact attempts that became full conversations
    std::uint64_t half_open_ended = 0;    // compact attempts finished as such
    std::uint64_t ended_idle_timeout = 0;
    std::uint64_t ended_closed = 0;
    std::uint64_t ended_port_reuse = 0;
    std::uint64_t evicted_record_cap = 0;
    std::uint64_t evicted_conversation_cap = 0;
    std::uint64_t resumed = 0;
    std::uint64_t peak_records = 0;
    std::uint64_t peak_conversations = 0;
    std::uint64_t peak_memory_bytes = 0;  // table + slabs at their largest
};

// Adds a shard's counts to a total (peaks add up too: an upper bound of the whole run's peak).
void add_stats(TrackerStats& total, const TrackerStats& shard) noexcept;

// Receives the tracker's output. Called from inside Tracker::process/finish, in capture order.
class TrackerObserver {
public:
    virtual ~TrackerObserver() = default;
    virtual void on_segment(const DecodedPacket& /*packet*/, const SegmentInfo& /*info*/) {}
    // Whether on_segment does anything with this segment. A threaded run hands an observer only the
    // segments it wants, without SegmentInfo::conversation; say true for every segment you read.
    [[nodiscard]] virtual bool wants_segment(const DecodedPacket& /*packet*/, const SegmentInfo& /*info*/) const {
        return true;
    }
    // A finished conversation, judged. The reference is valid only during the call.
    virtual void on_conversation_end(const Conversation& /*conversation*/) {}
    // A compact attempt that ended without promotion; `materialized` is its rebuilt conversation
    // when wants_half_open_conversation() said yes, else null.
    virtual void on_half_open_end(const HalfOpen& /*attempt*/, const Conversation* /*materialized*/) {}
    // Whether a finished half-open attempt should be rebuilt as a full Conversation (costly in floods).
    virtual bool wants_half_open_conversation() { return true; }
    // Reassembled bytes of one direction (`side` sent them), in order; only with TrackerOptions::stream_bytes.
    virtual void on_stream_data(const Conversation& /*conversation*/, unsigned /*side*/, std::uint64_t /*offset*/,
                                Bytes /*data*/) {}
    // The capture ended at `end_ns` (the last packet's time for files, the stop time for a live
    // capture); called once, before the conversations still open are ended.
    virtual void on_capture_end(std::int64_t /*end_ns*/) {}
    // A hole in that stream that was never filled.
    virtual void on_stream_gap(const Conversation& /*conversation*/, unsigned /*side*/, std::uint64_t /*offset*/,
                               std::uint64_t /*length*/) {}
};

// Fans every event out to several observers, in order (e.g. a report and the anomaly detectors).
class ObserverChain : public TrackerObserver {
public:
    void add(TrackerObserver& observer) { m_observers.push_back(&observer); }
    void on_segment(const DecodedPacket& packet, const SegmentInfo& info) override;
    [[nodiscard]] bool wants_segment(const DecodedPacket& packet, const SegmentInfo& info) const override;
    void on_conversation_end(const Conversation& conversation) override;
    void on_half_open_end(const HalfOpen& attempt, const Conversation* materialized) override;
    bool wants_half_open_conversation() override;
    void on_stream_data(const Conversation& conversation, unsigned side, std::uint64_t offset, Bytes data) override;
    void on_stream_gap(const Conversation& conversation, unsigned side, std::uint64_t offset,
                       std::uint64_t length) override;
    void on_capture_end(std::int64_t end_ns) override;

private:
    std::vector<TrackerObserver*> m_observers;
};

// When the tracker looks for idle and closed records: every 5 s of capture time, at a packet.
class SweepClock {
public:
    // Whether a sweep is due before the packet at `packet_ns` (and the next one is scheduled).
    [[nodiscard]] bool due(std::int64_t packet_ns) noexcept;

private:
    std::int64_t m_next_ns = std::numeric_limits<std::int64_t>::min();
};

class Tracker {
public:
    explicit Tracker(TrackerOptions options, TrackerObserver& observer);
    ~Tracker();
    Tracker(const Tracker&) = delete;
    Tracker& operator=(const Tracker&) = delete;

    // Tracks one decoded packet of class tcp. Non-TCP packets must not be passed.
    void process(const DecodedPacket& packet);
    // A hint: `packet` (of class tcp) is processed soon; its flow's slot is loaded meanwhile, and
    // its lookup kept so that process() does not compute it again.
    void prefetch(const DecodedPacket& packet) noexcept;

    // Ends every conversation still held (end of capture), in stream order. `end_ns` (if later than
    // the last packet) is when the capture stopped: a live capture's wall-clock stop time.
    void finish(std::int64_t end_ns = std::numeric_limits<std::int64_t>::min());

    // Ends the records idle (or closed) for too long at `now_ns`, in stream order. process() calls
    // it itself unless TrackerOptions::external_sweeps.
    void sweep_at(std::int64_t now_ns);
    // A shard's clock before finish(): the last and the newest packet time of the whole capture.
    void set_clock(std::int64_t last_packet_ns, std::int64_t newest_packet_ns) noexcept;
    // Rebuilds an ended compact attempt as the judged conversation it was (`capture_end_ns`: the
    // capture's last packet time, used when it ended with the capture).
    void materialize(const HalfOpen& attempt, analysis::EndReason reason, std::int64_t capture_end_ns,
                     Conversation& out);

    [[nodiscard]] const TrackerStats& stats() const noexcept { return m_stats; }
    [[nodiscard]] std::uint32_t streams() const noexcept { return m_next_stream; }
    [[nodiscard]] std::size_t open_records() const noexcept { return m_table.size(); }
    [[nodiscard]] const ReassemblyBudget& reassembly_budget() const noexcept { return m_budget; }

private:
    struct Slab;  // tombstones of ended conversations, consulted only when a new flow starts
    // Where a packet's flow sits: its canonical key, the key's hash, and which end sent it.
    struct Lookup {
        FlowKey key{};
        std::uint64_t hash = 0;
        bool src_is_a = true;
    };
    // Lookups computed by prefetch(), kept for process() by frame number (a few packets ahead).
    struct AheadLookup {
        std::uint64_t frame = 0;
        bool valid = false;
        Lookup lookup{};
    };
    static constexpr std::size_t k_ahead_slots = 8;
    using DueTimes = std::vector<std::int64_t, HugePageAllocator<std::int64_t>>;

    [[nodiscard]] static Lookup find(const DecodedPacket& packet) noexcept;
    void handle_new_flow(const DecodedPacket& packet, const Lookup& where);
    // `in_place_of`: the record of the same flow just ended, whose table entry the attempt takes over.
    void start_half_open(const DecodedPacket& packet, const Lookup& where, std::uint32_t stream,
                         std::uint32_t reused_from, RecordHandle in_place_of = k_no_record);
    void handle_half_open(const DecodedPacket& packet, const Lookup& where, RecordHandle handle);
    void handle_conversation(const DecodedPacket& packet, const Lookup& where, RecordHandle handle);
    RecordHandle start_conversation(const DecodedPacket& packet, const Lookup& where, std::uint32_t stream,
                                    std::uint32_t reused_from);
    RecordHandle promote(RecordHandle half_open_handle, std::uint64_t hash);
    void rebuild_from_half_open(const HalfOpen& attempt, Conversation& conversation);
    void schedule(RecordHandle handle, const Conversation& conversation);
    void track_segment(Conversation& conversation, unsigned side, const DecodedPacket& packet, SegmentInfo& info);
    static void describe_conversation(Conversation& conversation, unsigned side, const DecodedPacket& packet,
                                      SegmentInfo& info);
    void reassemble(Conversation& conversation, unsigned side, const DecodedPacket& packet);
    void finish_reassembly(Conversation& conversation);
    // `keep_entry`: leave the flow's table entry for the record that replaces it (port reuse).
    void end_conversation(RecordHandle handle, std::uint64_t hash, analysis::EndReason reason, bool keep_entry = false);
    void end_half_open(RecordHandle handle, std::uint64_t hash, analysis::EndReason reason, bool keep_entry = false);
    void remember(const Conversation& conversation);
    void make_room();
    void store_half_open(HalfOpenStore::Index index, const HalfOpen& attempt);
    void prefetch_next_half_open() const noexcept;
    void prefetch_record(RecordHandle handle) const noexcept;
    void note_memory();

    TrackerOptions m_options;
    TrackerObserver& m_observer;
    FlowTable m_table;
    ChunkedSlab<Conversation, 256> m_conversations;
    std::vector<RecordHandle> m_free_conversations;
    HalfOpenStore m_half_open;
    // When each slab slot's record is due for the sweep (capture time; never for free slots).
    DueTimes m_conversation_due;
    DueTimes m_half_open_due;
    std::unique_ptr<Slab> m_tombs;
    std::uint64_t m_live_conversations = 0;
    std::uint32_t m_next_stream = 0;
    bool m_finishing = false;  // finish() drops the whole table at once instead of record by record
    SweepClock m_sweep_clock;
    std::array<AheadLookup, k_ahead_slots> m_ahead{};
    std::int64_t m_now_ns = 0;                                            // the current packet's time
    std::int64_t m_max_ts_ns = std::numeric_limits<std::int64_t>::min();  // the newest packet time
    TrackerStats m_stats{};
    ReassemblyBudget m_budget{};
    Conversation m_scratch{};  // rebuilt half-open attempts are handed out from here
};

}  // namespace tcpvet::flow
