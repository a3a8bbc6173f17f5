// The pipeline on several threads: a reader decodes and deals TCP packets to N shards by a
// symmetric flow hash (both directions of a conversation land on one shard), each shard tracks its
// conversations, and the calling thread merges their events back into single-threaded order.
#pragma once

#include <atomic>

#include "tcpvet/pipeline.hpp"

namespace tcpvet::parallel {

// As run_pipeline, with options.threads shards. The observer sees exactly what it would see from
// run_pipeline with one thread, in the same order, on the calling thread — except that caps
// (TrackerOptions::max_records, max_conversations, max_tombstones, reassembly_global_bytes) apply
// per shard, divided evenly, so a run that reaches one may drop other records; and peak figures
// are sums of the shards' peaks. Segments reach the observer
// only where its wants_segment() says so, without SegmentInfo::conversation. Payload bytes are not
// handed over: stream_bytes must be off.
PipelineResult run_sharded_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                                    flow::TrackerObserver& observer, const std::atomic<bool>* stop = nullptr);

}  // namespace tcpvet::parallel
