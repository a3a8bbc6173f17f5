// Threads of a sharded run: the reader (decodes, counts, deals packets and sweep marks to the
// shards in batches), one tracker per shard, and the merger on the calling thread. Queues are
// bounded, so memory stays fixed however far the reader could run ahead.
#include "tcpvet/parallel/sharded_pipeline.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "tcpvet/flow/flow_key.hpp"
#include "tcpvet/frame_reader.hpp"
#include "tcpvet/parallel/bounded_queue.hpp"
#include "tcpvet/parallel/event_merger.hpp"
#include "tcpvet/parallel/shard_recorder.hpp"

namespace tcpvet::parallel {
namespace {

constexpr std::uint64_t k_batch_frames = 4096;
constexpr std::size_t k_batches_queued = 4;  // per shard, reader -> shard
constexpr std::size_t k_chunks_queued = 8;   // per shard, shard -> merger

struct Shard {
    Shard()
        : input(k_batches_queued),
          output(k_chunks_queued),
          spare_batches(k_batches_queued + 2),
          spare_chunks(k_chunks_queued + 2) {}
    BoundedQueue<ShardBatch> input;
    BoundedQueue<EventChunk> output;
    // Used buffers on their way back, so that batches and chunks are allocated once, not per batch.
    BoundedQueue<ShardBatch> spare_batches;
    BoundedQueue<EventChunk> spare_chunks;
    flow::TrackerStats stats{};
    std::thread thread;
};

// Whatever thread fails first tears the run down: every queue wakes its waiters and says no.
class Failure {
public:
    explicit Failure(std::vector<std::unique_ptr<Shard>>& shards) : m_shards(shards) {}
    void record(std::exception_ptr error) {
        {
            const std::lock_guard lock(m_mutex);
            if (!m_error) m_error = std::move(error);
        }
        for (const std::unique_ptr<Shard>& shard : m_shards) {
            shard->input.cancel();
            shard->output.cancel();
        }
    }
    void rethrow() {
        const std::lock_guard lock(m_mutex);
        if (m_error) std::rethrow_exception(m_error);
    }

private:
    std::vector<std::unique_ptr<Shard>>& m_shards;
    std::mutex m_mutex;
    std::exception_ptr m_error;
};

// Both directions of a conversation hash alike: the key is canonical (lower endpoint first).
std::size_t shard_of(const DecodedPacket& packet, std::size_t shards) {
    bool src_is_a = false;
    const flow::FlowKey key = flow::make_flow_key(packet, src_is_a);
    // The high half: the flow tables index by the low bits of the same hash.
    return static_cast<std::size_t>((flow::hash_flow_key(key) >> 32U) % shards);
}

flow::TrackerOptions shard_options(flow::TrackerOptions options, std::size_t shards) {
    const auto share = [shards](std::uint64_t cap) { return std::max<std::uint64_t>(1, cap / shards); };
    options.max_records = share(options.max_records);
    options.max_conversations = share(options.max_conversations);
    options.max_tombstones = share(options.max_tombstones);
    options.reassembly_global_bytes = share(options.reassembly_global_bytes);
    options.external_sweeps = true;
    options.stream_bytes = false;
    return options;
}

void track_shard(Shard& shard, const flow::TrackerOptions& options, const flow::TrackerObserver& downstream) {
    ShardRecorder recorder(downstream, shard.output, shard.spare_chunks);
    flow::Tracker tracker(options, recorder);
    while (std::optional<ShardBatch> batch = shard.input.pop()) {
        std::size_t sweep = 0;
        const auto sweep_before = [&](std::size_t index) {
            for (; sweep < batch->sweeps.size() && batch->sweeps[sweep].before == index; ++sweep) {
                recorder.begin(batch->sweeps[sweep].frame, EventPhase::sweep);
                tracker.sweep_at(batch->sweeps[sweep].now_ns);
            }
        };
        constexpr std::size_t k_ahead = 4;  // slots of flows a few packets on load meanwhile
        for (std::size_t i = 0; i < batch->packets.size(); ++i) {
            if (i + k_ahead < batch->packets.size()) tracker.prefetch(batch->packets[i + k_ahead]);
            sweep_before(i);
            recorder.begin(batch->packets[i].frame, EventPhase::packet);
            tracker.process(batch->packets[i]);
        }
        sweep_before(batch->packets.size());
        if (batch->final) {
            tracker.set_clock(batch->last_packet_ns, batch->newest_packet_ns);
            recorder.begin(k_after_last, EventPhase::finish);
            tracker.finish(batch->end_ns);
            shard.stats = tracker.stats();
            recorder.flush_last();
            return;
        }
        recorder.flush(MergeKey{batch->last_frame + 1, EventPhase::sweep, 0});
        if (recorder.cancelled()) return;
        (void)shard.spare_batches.try_push(std::move(*batch));
    }
}

// Deals decoded TCP packets to the shards; a batch goes to every shard (maybe empty) so that each
// one's bound advances and the merger never waits on a shard that has nothing to say.
class Dealer {
public:
    explicit Dealer(std::vector<std::unique_ptr<Shard>>& shards) : m_shards(shards), m_pending(shards.size()) {}

    void deal(const DecodedPacket& packet) {
        if (m_sweeps.due(packet.ts_ns)) {
            for (ShardBatch& batch : m_pending)
                batch.sweeps.push_back(SweepMark{batch.packets.size(), packet.frame, packet.ts_ns});
        }
        m_clock.last_packet_ns = packet.ts_ns;
        m_clock.newest_packet_ns = std::max(m_clock.newest_packet_ns, packet.ts_ns);
        ShardBatch& batch = m_pending[shard_of(packet, m_shards.size())];
        batch.packets.push_back(packet);
        batch.packets.back().payload = {};  // the bytes stay in the reader's buffer
    }
    // Hands the pending batches over; false when the run is being torn down.
    bool hand_over(std::uint64_t last_frame, bool final, std::int64_t end_ns) {
        bool ok = true;
        for (std::size_t s = 0; s < m_shards.size(); ++s) {
            ShardBatch& batch = m_pending[s];
            batch.last_frame = last_frame;
            batch.final = final;
            batch.last_packet_ns = m_clock.last_packet_ns;
            batch.newest_packet_ns = m_clock.newest_packet_ns;
            batch.end_ns = end_ns;
            ok = m_shards[s]->input.push(std::move(batch)) && ok;
            if (std::optional<ShardBatch> spare = m_shards[s]->spare_batches.try_pop()) {
                batch = std::move(*spare);
                batch.clear();
            } else {
                batch = ShardBatch{};
                batch.packets.reserve(k_batch_frames / m_shards.size() + 64);
            }
        }
        return ok;
    }
    [[nodiscard]] const CaptureClock& clock() const noexcept { return m_clock; }
    void set_end(std::int64_t end_ns) noexcept { m_clock.end_ns = end_ns; }

private:
    std::vector<std::unique_ptr<Shard>>& m_shards;
    std::vector<ShardBatch> m_pending;
    flow::SweepClock m_sweeps;
    CaptureClock m_clock;
};

// The reader thread: decode, count, deal in batches; the clock goes out with the final batches.
void read_into_shards(capture::PacketSource& source, const PipelineOptions& options, const std::atomic<bool>* stop,
                      std::vector<std::unique_ptr<Shard>>& shards, PipelineResult& result, CaptureClock& clock) {
    FrameReader frames(source, options, stop);
    Dealer dealer(shards);
    DecodedPacket packet;
    std::uint64_t in_batch = 0;
    std::uint64_t last_frame = 0;
    while (frames.next(packet)) {
        last_frame = packet.frame;
        if (packet.cls == PacketClass::tcp) dealer.deal(packet);
        if (++in_batch == k_batch_frames) {
            in_batch = 0;
            if (!dealer.hand_over(last_frame, false, 0)) return;
        }
    }
    frames.conclude(result);
    dealer.set_end(frames.end_ns());
    clock = dealer.clock();
    dealer.hand_over(last_frame, true, clock.end_ns);
}

}  // namespace

PipelineResult run_sharded_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                                    flow::TrackerObserver& observer, const std::atomic<bool>* stop) {
    const std::size_t shard_count = std::max<std::size_t>(1, options.threads);
    std::vector<std::unique_ptr<Shard>> shards;
    for (std::size_t s = 0; s < shard_count; ++s) shards.push_back(std::make_unique<Shard>());
    Failure failure(shards);
    const flow::TrackerOptions per_shard = shard_options(options.tracker, shard_count);
    PipelineResult result;
    CaptureClock clock;  // written by the reader before its final batch; read by the merger after
    std::uint32_t streams = 0;
    std::vector<std::thread> threads;
    // Whatever throws here (a thread that cannot start, memory) is recorded like a thread's own
    // failure: the queues are cancelled, so every thread started so far ends and is joined below.
    try {
        for (const std::unique_ptr<Shard>& shard : shards) {
            Shard& one = *shard;
            threads.emplace_back([&one, &per_shard, &observer, &failure] {
                try {
                    track_shard(one, per_shard, observer);
                } catch (...) {
                    failure.record(std::current_exception());
                }
            });
        }
        threads.emplace_back([&] {
            try {
                read_into_shards(source, options, stop, shards, result, clock);
            } catch (...) {
                failure.record(std::current_exception());
            }
        });
        flow::TrackerObserver silent;  // rebuilding an attempt reports nothing
        flow::Tracker materializer(options.tracker, silent);
        std::vector<BoundedQueue<EventChunk>*> outputs;
        std::vector<BoundedQueue<EventChunk>*> spares;
        for (const std::unique_ptr<Shard>& shard : shards) {
            outputs.push_back(&shard->output);
            spares.push_back(&shard->spare_chunks);
        }
        EventMerger merger(outputs, spares, observer, materializer, clock);
        merger.run();
        streams = merger.streams();
    } catch (...) {
        failure.record(std::current_exception());
    }
    for (std::thread& thread : threads) thread.join();
    failure.rethrow();

    result.streams = streams;
    for (const std::unique_ptr<Shard>& shard : shards) flow::add_stats(result.tracker, shard->stats);
    return result;
}

}  // namespace tcpvet::parallel
