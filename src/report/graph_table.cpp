// The graph series as CSV and JSON: one row emitter per kind, written through either sink, so
// the two formats cannot disagree.
#include "tcpvet/report/graph_table.hpp"

#include <cstdio>
#include <string>
#include <string_view>

#include "tcpvet/report/format.hpp"
#include "tcpvet/report/json_report.hpp"
#include "tcpvet/report/side_name.hpp"

namespace tcpvet::report {
namespace {

// A cell-by-cell writer; rows are buffered and flushed to the stream in large chunks.
class RowSink {
public:
    explicit RowSink(std::ostream& out) : m_out(out) { m_text.reserve(k_flush_bytes + 4096); }
    RowSink(const RowSink&) = delete;
    RowSink& operator=(const RowSink&) = delete;
    virtual ~RowSink() = default;

    virtual void begin_row() = 0;
    virtual void end_row() = 0;
    void integer(std::uint64_t value) {
        separate();
        m_text += std::to_string(value);
    }
    void number(double value) {
        char buffer[40];
        const int n = std::snprintf(buffer, sizeof buffer, "%.6f", value);
        raw_number(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
    virtual void text(std::string_view value) = 0;
    virtual void missing() = 0;
    virtual void list(const std::string_view* items, std::size_t count) = 0;
    virtual void ranges(const GraphSack* sacks, std::size_t count) = 0;

    // Nanoseconds as seconds with 9 decimals (exact for every capture's resolution).
    void seconds(std::int64_t ns) {
        char buffer[40];
        const bool negative = ns < 0;
        const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
        const int n = std::snprintf(buffer, sizeof buffer, "%s%llu.%09llu", negative ? "-" : "",
                                    static_cast<unsigned long long>(magnitude / 1'000'000'000ULL),
                                    static_cast<unsigned long long>(magnitude % 1'000'000'000ULL));
        raw_number(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
    void flush() {
        m_out.write(m_text.data(), static_cast<std::streamsize>(m_text.size()));
        m_text.clear();
    }

protected:
    void raw_number(std::string_view text) {
        separate();
        m_text += text;
    }
    // Both formats separate cells with a comma; begin_row resets m_first.
    void separate() {
        if (!m_first) m_text += ',';
        m_first = false;
    }
    void maybe_flush() {
        if (m_text.size() >= k_flush_bytes) flush();
    }
    std::string m_text;
    bool m_first = true;

private:
    static constexpr std::size_t k_flush_bytes = 1 << 20;
    std::ostream& m_out;
};

class CsvSink final : public RowSink {
public:
    using RowSink::RowSink;
    void begin_row() override { m_first = true; }
    void end_row() override {
        m_text += '\n';
        maybe_flush();
    }
    void text(std::string_view value) override {
        separate();
        m_text += value;  // tcpvet's own words: no commas or quotes to escape
    }
    void missing() override { separate(); }
    void list(const std::string_view* items, std::size_t count) override {
        separate();
        for (std::size_t i = 0; i < count; ++i) {
            if (i != 0) m_text += ';';
            m_text += items[i];
        }
    }
    void ranges(const GraphSack* sacks, std::size_t count) override {
        separate();
        for (std::size_t i = 0; i < count; ++i) {
            if (i != 0) m_text += ';';
            m_text += std::to_string(sacks[i].left) + '-' + std::to_string(sacks[i].right);
        }
    }
};

class JsonSink final : public RowSink {
public:
    using RowSink::RowSink;
    void begin_row() override {
        if (m_rows++ != 0) m_text += ',';
        m_text += '[';
        m_first = true;
    }
    void end_row() override {
        m_text += ']';
        maybe_flush();
    }
    void text(std::string_view value) override {
        separate();
        quoted(value);
    }
    void missing() override {
        separate();
        m_text += "null";
    }
    void list(const std::string_view* items, std::size_t count) override {
        separate();
        m_text += '[';
        for (std::size_t i = 0; i < count; ++i) {
            if (i != 0) m_text += ',';
            quoted(items[i]);
        }
        m_text += ']';
    }
    void ranges(const GraphSack* sacks, std::size_t count) override {
        separate();
        m_text += '[';
        for (std::size_t i = 0; i < count; ++i) {
            if (i != 0) m_text += ',';
            m_text += '[' + std::to_string(sacks[i].left) + ',' + std::to_string(sacks[i].right) + ']';
        }
        m_text += ']';
    }
    void append(std::string_view text) { m_text += text; }

private:
    void quoted(std::string_view value) {
        m_text += '"';
        m_text += value;  // tcpvet's own words and flag letters: nothing to escape
        m_text += '"';
    }
    std::uint64_t m_rows = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// Rows, by kind

constexpr std::string_view k_sequence_columns[] = {"frame", "time_s", "sender",      "flags", "seq",
                                                   "len",   "ack",    "window_edge", "sack",  "events"};
constexpr std::string_view k_throughput_columns[] = {"time_s", "interval_s", "bytes", "goodput_bps", "average_bps"};
constexpr std::string_view k_rtt_columns[] = {"frame", "time_s", "rtt_s", "ack"};
constexpr std::string_view k_window_columns[] = {"frame",  "time_s",          "sender", "flags",
                                                 "window", "bytes_in_flight", "events"};

struct Columns {
    const std::string_view* names;
    std::size_t count;
};

Columns columns_of(GraphKind kind) {
    switch (kind) {
    case GraphKind::sequence: return {k_sequence_columns, std::size(k_sequence_columns)};
    case GraphKind::throughput: return {k_throughput_columns, std::size(k_throughput_columns)};
    case GraphKind::rtt: return {k_rtt_columns, std::size(k_rtt_columns)};
    case GraphKind::window: return {k_window_columns, std::size(k_window_columns)};
    }
    return {k_sequence_columns, 0};
}

void common_cells(RowSink& sink, const GraphSeries& series, const GraphSegment& s) {
    sink.integer(s.frame);
    sink.seconds(s.ts_ns - series.origin_ns);
    sink.text(side_name(s.side));
    // "SYN|ACK": the formatter's commas would split a CSV cell.
    char flags[k_flags_text_max];
    char* const end = write_flags(flags, s.flags);
    for (char* c = flags; c != end; ++c) {
        if (*c == ',') *c = '|';
    }
    sink.text(written(flags, end));
}

void event_cells(RowSink& sink, const GraphSegment& s, unsigned data_side) {
    std::string_view names[k_graph_event_count];
    std::size_t count = 0;
    const GraphEvents events = graph_events(s, data_side);
    for (std::size_t e = 0; e < k_graph_event_count; ++e) {
        if ((events & (1U << e)) != 0) names[count++] = k_graph_event_names[e];
    }
    sink.list(names, count);
}

void sequence_rows(RowSink& sink, const GraphSeries& series) {
    const GraphSegments& segments = *series.segments;
    const std::vector<GraphSack>& sacks = *series.sacks;
    std::size_t next_sack = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const GraphSegment& s = segments[i];
        while (next_sack < sacks.size() && sacks[next_sack].segment < i) ++next_sack;
        sink.begin_row();
        common_cells(sink, series, s);
        if (s.side == series.side) {
            sink.integer(s.rel_seq);
            sink.integer(s.len);
            sink.missing();
            sink.missing();
            sink.ranges(nullptr, 0);
        } else {
            sink.missing();
            sink.missing();
            if ((s.flags & tcp_flag::ack) != 0) {
                sink.integer(s.rel_ack);
                sink.integer(std::uint64_t{s.rel_ack} + s.window);
            } else {
                sink.missing();
                sink.missing();
            }
            sink.ranges(sacks.data() + next_sack, s.sack_count);
        }
        event_cells(sink, s, series.side);
        sink.end_row();
    }
}

void throughput_rows(RowSink& sink, const GraphSeries& series) {
    for (const ThroughputBin& b : series.bins) {
        sink.begin_row();
        sink.seconds(b.start_ns);
        sink.seconds(series.interval_ns);
        sink.integer(b.bytes);
        sink.number(b.goodput_bps);
        sink.number(b.average_bps);
        sink.end_row();
    }
}

void rtt_rows(RowSink& sink, const GraphSeries& series) {
    for (const RttSample& r : series.rtt) {
        sink.begin_row();
        sink.integer(r.frame);
        sink.seconds(r.ts_ns - series.origin_ns);
        sink.seconds(r.rtt_ns);
        sink.integer(r.rel_ack);
        sink.end_row();
    }
}

void window_rows(RowSink& sink, const GraphSeries& series) {
    for (const GraphSegment& s : *series.segments) {
        sink.begin_row();
        common_cells(sink, series, s);
        sink.integer(s.window);
        if (s.has_bytes_in_flight) {
            sink.integer(s.bytes_in_flight);
        } else {
            sink.missing();
        }
        event_cells(sink, s, series.side);
        sink.end_row();
    }
}

void write_rows(RowSink& sink, const GraphSeries& series) {
    switch (series.kind) {
    case GraphKind::sequence: sequence_rows(sink, series); break;
    case GraphKind::throughput: throughput_rows(sink, series); break;
    case GraphKind::rtt: rtt_rows(sink, series); break;
    case GraphKind::window: window_rows(sink, series); break;
    }
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + '"';
}

}  // namespace

void write_graph_csv(std::ostream& out, const GraphSeries& series) {
    const Columns columns = columns_of(series.kind);
    CsvSink sink(out);
    sink.begin_row();
    for (std::size_t i = 0; i < columns.count; ++i) sink.text(columns.names[i]);
    sink.end_row();
    write_rows(sink, series);
    sink.flush();
}

void write_graph_json(std::ostream& out, const GraphSeries& series) {
    const Columns columns = columns_of(series.kind);
    JsonSink sink(out);
    std::string head = "{\"schema_version\":\"" + std::string(k_schema_version) + "\",\"kind\":\"" +
                       std::string(name(series.kind)) + "\",\"stream\":" + std::to_string(series.stream) +
                       ",\"direction\":\"" + std::string(side_name(series.side)) +
                       "\",\"title\":" + json_string(series.title()) + ",\"client\":" + json_string(series.client) +
                       ",\"server\":" + json_string(series.server) + ",\"origin_time\":";
    char origin[48];
    std::snprintf(origin, sizeof origin, "%.9f", static_cast<double>(series.origin_ns) / 1e9);
    head += origin;
    if (series.kind == GraphKind::throughput) {
        char interval[48];
        std::snprintf(interval, sizeof interval, "%.9f", static_cast<double>(series.interval_ns) / 1e9);
        head += std::string(",\"interval_s\":") + interval;
    }
    head += ",\"dropped_segments\":" + std::to_string(series.dropped) + ",\"columns\":[";
    for (std::size_t i = 0; i < columns.count; ++i) {
        if (i != 0) head += ',';
        head += json_string(columns.names[i]);
    }
    head += "],\"rows\":[";
    sink.append(head);
    write_rows(sink, series);
    sink.append("]}\n");
    sink.flush();
}

}  // namespace tcpvet::report
