// The graph views as tables: CSV (gnuplot, pandas) and JSON, the same full-resolution series the
// SVG draws (never aggregated).
#pragma once

#include <ostream>

#include "tcpvet/report/graph_model.hpp"

namespace tcpvet::report {

// Columns, by kind (times in seconds since the stream's first segment; sequence numbers relative):
//   sequence    frame,time_s,sender,flags,seq,len,ack,window_edge,sack,events: one row per segment of
//               the stream; seq/len on the data side's rows, ack/window_edge (ack + scaled window)
//               and sack ("left-right" blocks, ';'-separated) on the receiver's
//   throughput  time_s,interval_s,bytes,goodput_bps,average_bps: one row per interval
//   rtt         frame,time_s,rtt_s,ack: one row per RTT sample (the report's rtt.samples)
//   window      frame,time_s,sender,flags,window,bytes_in_flight,events: one row per segment
// `events` lists the marked events (k_graph_event_names), ';'-separated. Empty cells: no value.
void write_graph_csv(std::ostream& out, const GraphSeries& series);

// {"schema_version", "kind", "stream", "direction", "title", "client", "server", "origin_time",
//  "interval_s" (throughput), "dropped_segments", "columns": [...], "rows": [[...], ...]}: the
// CSV's columns and rows, with null for an empty cell and arrays for sack and events
// (tests/schema/tcpvet-graph.schema.json).
void write_graph_json(std::ostream& out, const GraphSeries& series);

}  // namespace tcpvet::report
