// The graph views as SVG: lays out the series the model built; nothing here analyses a segment.
// Long series are drawn per pixel column (min/max envelope), so a million segments stay a few
// hundred kilobytes; marked events are never dropped, only grouped with their count.
#include "tcpvet/report/graph_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace tcpvet::report {
namespace {

// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
constexpr const char* k_blue = "#0072B2";
constexpr const char* k_green = "#009E73";
constexpr const char* k_orange = "#E69F00";
constexpr const char* k_sky = "#56B4E9";
constexpr const char* k_vermillion = "#D55E00";
constexpr const char* k_purple = "#CC79A7";
constexpr const char* k_yellow = "#F0E442";
constexpr const char* k_black = "#000000";
constexpr const char* k_grey = "#777777";

// Per event: colour and the <defs> symbol drawn at its place.
struct EventStyle {
    const char* colour;
    const char* shape;  // path around (0,0)
    const char* label;
};
constexpr EventStyle k_event_styles[k_graph_event_count] = {
    {k_black, "M0,-5L4.5,3.5H-4.5Z", "SYN"},
    {k_yellow, "M0,-5L5,0L0,5L-5,0Z", "FIN"},
    {k_grey, "M-4,-4H4V4H-4Z", "RST"},
    {k_vermillion, "M-4.5,0A4.5,4.5 0 1,0 4.5,0A4.5,4.5 0 1,0 -4.5,0Z", "retransmission"},
    {k_sky, "M-4,-4L4,4M4,-4L-4,4", "out of order"},
    {k_orange, "M-5,-1.5H5V1.5H-5Z", "previous segment lost"},
    {k_purple, "M0,5L4.5,-3.5H-4.5Z", "zero window"},
};

// A growing document with printf-style appends (a few thousand elements at most).
class Svg {
public:
    void add(const char* format, ...) __attribute__((format(printf, 2, 3))) {
        char buffer[512];
        va_list args;
        va_start(args, format);
        const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
        va_end(args);
        if (n > 0) m_text.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
    }
    void raw(std::string_view text) { m_text.append(text); }
    void escaped(std::string_view text) {
        for (const char c : text) {
            switch (c) {
            case '&': m_text += "&amp;"; break;
            case '<': m_text += "&lt;"; break;
            case '>': m_text += "&gt;"; break;
            case '"': m_text += "&quot;"; break;
            default: m_text += c;
            }
        }
    }
    std::string take() { return std::move(m_text); }

private:
    std::string m_text;
};

// ---------------------------------------------------------------------------------------------------------------
// Axes: 1-2-5 steps, values shown in a unit chosen from the range.

struct Unit {
    double divisor;
    const char* name;
};

Unit time_unit(double max_ns) {
    if (max_ns >= 1e9) return {1e9, "s"};
    if (max_ns >= 1e6) return {1e6, "ms"};
    return {1e3, "\xC2\xB5s"};  // µs
}
Unit byte_unit(double max) {
    if (max >= 1e9) return {1e9, "GB"};
    if (max >= 1e6) return {1e6, "MB"};
    if (max >= 1e3) return {1e3, "kB"};
    return {1, "B"};
}
Unit rate_unit(double max) {
    if (max >= 1e9) return {1e9, "Gbit/s"};
    if (max >= 1e6) return {1e6, "Mbit/s"};
    if (max >= 1e3) return {1e3, "kbit/s"};
    return {1, "bit/s"};
}

double nice_step(double range, int max_ticks) {
    const double raw = range / max_ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * magnitude >= raw) return m * magnitude;
    }
    return 10 * magnitude;
}

struct Axis {
    double min = 0;
    double max = 1;
    Unit unit{1, ""};
    const char* quantity = "";
    double step = 1;

    void fit(int max_ticks) {
        if (!(max > min)) max = min + 1;
        step = nice_step(max - min, max_ticks);
    }
    [[nodiscard]] int decimals() const {
        const double s = step / unit.divisor;
        return s >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(s) - 1e-9)));
    }
};

struct Frame {
    double left = 90, top = 56, width = 0, height = 0;
    Axis x, y;
    [[nodiscard]] double px(double value) const { return left + (value - x.min) / (x.max - x.min) * width; }
    [[nodiscard]] double py(double value) const { return top + height - (value - y.min) / (y.max - y.min) * height; }
    [[nodiscard]] int column(double value) const {
        return static_cast<int>(std::floor((value - x.min) / (x.max - x.min) * width));
    }
};

void draw_axes(Svg& svg, const Frame& f) {
    svg.add("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" stroke=\"#444444\"/>\n",
            f.left, f.top, f.width, f.height);
    svg.raw("<g class=\"ticks\" font-size=\"12\" fill=\"#222222\">\n");
    for (int axis = 0; axis < 2; ++axis) {
        const Axis& a = axis == 0 ? f.x : f.y;
        const double first = std::ceil(a.min / a.step - 1e-9) * a.step;
        for (double v = first; v <= a.max + a.step * 1e-9; v += a.step) {
            char label[32];
            const double shown = std::abs(v) < a.step * 1e-9 ? 0.0 : v / a.unit.divisor;
            std::snprintf(label, sizeof label, "%.*f", a.decimals(), shown);
            if (axis == 0) {
                const double x = f.px(v);
                svg.add("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>", x, f.top, x,
                        f.top + f.height);
                svg.add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, f.top + f.height + 16,
                        label);
            } else {
                const double y = f.py(v);
                svg.add("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>", f.left, y,
                        f.left + f.width, y);
                svg.add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", f.left - 6, y + 4, label);
            }
        }
    }
    svg.raw("</g>\n");
    svg.add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\">%s (%s)</text>\n",
            f.left + f.width / 2, f.top + f.height + 36, f.x.quantity, f.x.unit.name);
    svg.add(
        "<text transform=\"translate(18,%.1f) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">%s (%s)</text>\n",
        f.top + f.height / 2, f.y.quantity, f.y.unit.name);
}

// ---------------------------------------------------------------------------------------------------------------
// Series drawers. Each takes (time, value) items already in model order.

struct Point {
    double t;
    double v;
};
struct Bar {
    double t;
    double lo;
    double hi;
};

// A line that holds its value until the next point (an ACK line, a window): one H and one V per
// point, or per pixel column the first, lowest, highest and last value.
void draw_step_path(Svg& svg, const Frame& f, const std::vector<Point>& points, const char* css_class,
                    const char* colour, std::size_t limit) {
    if (points.empty()) return;
    svg.add("<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" data-n=\"%zu\" d=\"", css_class,
            colour, points.size());
    if (points.size() <= limit) {
        svg.add("M%.1f,%.1f", f.px(points[0].t), f.py(points[0].v));
        for (std::size_t i = 1; i < points.size(); ++i) svg.add("H%.1fV%.1f", f.px(points[i].t), f.py(points[i].v));
    } else {
        bool started = false;
        std::size_t i = 0;
        while (i < points.size()) {
            const int column = f.column(points[i].t);
            double lo = points[i].v, hi = points[i].v;
            const double first = points[i].v;
            double last = first;
            for (; i < points.size() && f.column(points[i].t) == column; ++i) {
                lo = std::min(lo, points[i].v);
                hi = std::max(hi, points[i].v);
                last = points[i].v;
            }
            const double x = f.left + column + 0.5;
            if (!started) {
                svg.add("M%.1f,%.1f", x, f.py(first));
                started = true;
            } else {
                svg.add("H%.1fV%.1f", x, f.py(first));
            }
            if (hi != lo) svg.add("V%.1fV%.1fV%.1f", f.py(lo), f.py(hi), f.py(last));
        }
    }
    svg.raw("\"/>\n");
}

// Vertical bars (segments, SACK blocks, a point's spread): one line each, or one per pixel column
// from the lowest to the highest, with how many it stands for.
void draw_bars(Svg& svg, const Frame& f, const std::vector<Bar>& bars, const char* css_class, const char* colour,
               double width, std::size_t limit, const char* noun) {
    if (bars.empty()) return;
    svg.add("<g class=\"%s-group\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-linecap=\"round\">\n", css_class, colour,
            width);
    if (bars.size() <= limit) {
        for (const Bar& b : bars) {
            const double x = f.px(b.t);
            const double y1 = f.py(b.lo);
            double y2 = f.py(b.hi);
            if (y1 - y2 < 1.0) y2 = y1 - 1.0;  // a bar is never thinner than a pixel
            svg.add("<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", css_class, x, y1, x, y2);
        }
    } else {
        std::vector<Bar> columns;  // per column: lo, hi; count kept aside
        std::vector<std::size_t> counts;
        for (const Bar& b : bars) {
            const double x = f.left + f.column(b.t) + 0.5;
            if (!columns.empty() && columns.back().t == x) {
                columns.back().lo = std::min(columns.back().lo, b.lo);
                columns.back().hi = std::max(columns.back().hi, b.hi);
                ++counts.back();
            } else {
                columns.push_back(Bar{x, b.lo, b.hi});
                counts.push_back(1);
            }
        }
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const double y1 = f.py(columns[i].lo);
            double y2 = f.py(columns[i].hi);
            if (y1 - y2 < 1.0) y2 = y1 - 1.0;
            svg.add(
                "<line class=\"%s-agg\" data-n=\"%zu\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>%zu "
                "%s</title></line>\n",
                css_class, counts[i], columns[i].t, y1, columns[i].t, y2, counts[i], noun);
        }
    }
    svg.raw("</g>\n");
}

// One marked event: where, and the frame that shows it.
struct Mark {
    double t;
    double v;
    std::uint64_t frame;
};

// Every event is drawn: one symbol each, or past the limit one per pixel (column, 4 px row) with
// its count and frame range in the tooltip.
void draw_marks(Svg& svg, const Frame& f, GraphEvent event, const std::vector<Mark>& marks, std::size_t limit) {
    if (marks.empty()) return;
    const auto index = static_cast<std::size_t>(event);
    const std::string_view name = k_graph_event_names[index];
    const char* label = k_event_styles[index].label;
    if (marks.size() <= limit) {
        for (const Mark& m : marks) {
            svg.add(
                "<use class=\"mark mark-%.*s\" data-n=\"1\" href=\"#m-%.*s\" x=\"%.1f\" y=\"%.1f\"><title>frame "
                "%llu: %s</title></use>\n",
                static_cast<int>(name.size()), name.data(), static_cast<int>(name.size()), name.data(), f.px(m.t),
                f.py(m.v), static_cast<unsigned long long>(m.frame), label);
        }
        return;
    }
    struct Cell {
        int column;
        int row;
        std::size_t count;
        std::uint64_t first_frame;
        std::uint64_t last_frame;
    };
    std::vector<Cell> cells;
    for (const Mark& m : marks) {
        const int column = f.column(m.t);
        const int row = static_cast<int>(std::floor(f.py(m.v) / 4.0));
        // Events come in time order, so one pixel's events are mostly adjacent: look back a little.
        bool merged = false;
        for (std::size_t back = 0; back < 8 && back < cells.size(); ++back) {
            Cell& c = cells[cells.size() - 1 - back];
            if (c.column == column && c.row == row) {
                ++c.count;
                c.first_frame = std::min(c.first_frame, m.frame);
                c.last_frame = std::max(c.last_frame, m.frame);
                merged = true;
                break;
            }
        }
        if (!merged) cells.push_back(Cell{column, row, 1, m.frame, m.frame});
    }
    for (const Cell& c : cells) {
        svg.add(
            "<use class=\"mark mark-%.*s\" data-n=\"%zu\" href=\"#m-%.*s\" x=\"%.1f\" y=\"%.1f\"><title>%zu x %s, "
            "frames %llu-%llu</title></use>\n",
            static_cast<int>(name.size()), name.data(), c.count, static_cast<int>(name.size()), name.data(),
            f.left + c.column + 0.5, c.row * 4.0 + 2.0, c.count, label, static_cast<unsigned long long>(c.first_frame),
            static_cast<unsigned long long>(c.last_frame));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The document

struct LegendEntry {
    std::string label;
    const char* colour;
    int event = -1;  // a marker symbol, else a line swatch
};

void draw_legend(Svg& svg, const Frame& f, const std::vector<LegendEntry>& entries) {
    double x = f.left;
    double y = f.top + f.height + 60;
    svg.raw("<g class=\"legend\" font-size=\"12\">\n");
    for (const LegendEntry& e : entries) {
        const double width = 40 + 7.0 * static_cast<double>(e.label.size());
        if (x + width > f.left + f.width) {
            x = f.left;
            y += 18;
        }
        if (e.event >= 0) {
            svg.add("<use href=\"#m-%s\" x=\"%.1f\" y=\"%.1f\"/>",
                    k_graph_event_names[static_cast<std::size_t>(e.event)].data(), x + 10, y - 4);
        } else {
            svg.add("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>", x,
                    y - 4, x + 20, y - 4, e.colour);
        }
        svg.add("<text x=\"%.1f\" y=\"%.1f\">", x + 26, y);
        svg.escaped(e.label);
        svg.raw("</text>\n");
        x += width;
    }
    svg.raw("</g>\n");
}

void open_document(Svg& svg, const GraphSeries& series, const GraphSvgOptions& options) {
    svg.add(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
        "height=\"%u\" viewBox=\"0 0 %u %u\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
        options.width, options.height, options.width, options.height);
    svg.raw("<title>");
    svg.escaped(series.title());
    svg.raw("</title>\n<defs>\n");
    for (std::size_t i = 0; i < k_graph_event_count; ++i) {
        const bool stroke_only = i == static_cast<std::size_t>(GraphEvent::out_of_order);
        svg.add("<path id=\"m-%s\" d=\"%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"/>\n",
                k_graph_event_names[i].data(), k_event_styles[i].shape, stroke_only ? "none" : k_event_styles[i].colour,
                stroke_only ? k_event_styles[i].colour : "#000000", stroke_only ? "2.5" : "0.8");
    }
    svg.add("</defs>\n<rect width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n", options.width, options.height);
    svg.add("<text x=\"%u\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">", options.width / 2);
    svg.escaped(series.title());
    svg.raw("</text>\n");
}

Frame make_frame(const GraphSeries& series, const GraphSvgOptions& options) {
    Frame f;
    f.width = options.width - f.left - 30;
    f.height = options.height - f.top - 110;
    f.x.min = 0;
    f.x.max = static_cast<double>(std::max<std::int64_t>(series.span_ns, 1000));
    f.x.unit = time_unit(f.x.max);
    f.x.quantity = "time since the stream's first segment";
    f.x.fit(10);
    return f;
}

void finish_y(Frame& f, double max, Unit unit, const char* quantity) {
    f.y.min = 0;
    f.y.max = max > 0 ? max * 1.04 : 1;
    f.y.unit = unit;
    f.y.quantity = quantity;
    f.y.fit(8);
}

double rel(const GraphSeries& s, std::int64_t ts_ns) { return static_cast<double>(ts_ns - s.origin_ns); }

// Where a segment's events sit on a sequence-number axis: the data at its seq (a FIN after its
// payload), the receiver's at its ACK.
double event_value(const GraphSegment& s, unsigned data_side, GraphEvent event) {
    if (s.side == data_side) return static_cast<double>(s.rel_seq) + (event == GraphEvent::fin ? s.len : 0);
    return (s.flags & tcp_flag::ack) != 0 ? static_cast<double>(s.rel_ack) : 0.0;
}

void collect_marks(const GraphSeries& series, std::vector<Mark> (&marks)[k_graph_event_count],
                   double (*value)(const GraphSegment&, unsigned, GraphEvent)) {
    for (const GraphSegment& s : *series.segments) {
        const GraphEvents events = graph_events(s, series.side);
        if (events == 0) continue;
        for (std::size_t e = 0; e < k_graph_event_count; ++e) {
            if ((events & (1U << e)) == 0) continue;
            marks[e].push_back(Mark{rel(series, s.ts_ns), value(s, series.side, static_cast<GraphEvent>(e)), s.frame});
        }
    }
}

void draw_all_marks(Svg& svg, const Frame& f, std::vector<Mark> (&marks)[k_graph_event_count], std::size_t limit,
                    std::vector<LegendEntry>& legend) {
    svg.raw("<g class=\"marks\">\n");
    for (std::size_t e = 0; e < k_graph_event_count; ++e) {
        draw_marks(svg, f, static_cast<GraphEvent>(e), marks[e], limit);
        if (!marks[e].empty()) {
            legend.push_back({std::string(k_event_styles[e].label) + " (" + std::to_string(marks[e].size()) + ")",
                              k_event_styles[e].colour, static_cast<int>(e)});
        }
    }
    svg.raw("</g>\n");
}

void draw_sequence(Svg& svg, Frame& f, const GraphSeries& series, const GraphSvgOptions& options,
                   std::vector<LegendEntry>& legend) {
    std::vector<Bar> data;
    std::vector<Bar> sacks;
    std::vector<Point> acks;
    std::vector<Point> windows;
    double top = 1;
    const GraphSegments& segments = *series.segments;
    data.reserve(segments.size());
    acks.reserve(segments.size());
    windows.reserve(segments.size());
    for (const GraphSegment& s : segments) {
        const double t = rel(series, s.ts_ns);
        if (s.side == series.side) {
            if (s.len > 0)
                data.push_back(Bar{t, static_cast<double>(s.rel_seq), static_cast<double>(s.rel_seq) + s.len});
            top = std::max(top, static_cast<double>(s.rel_seq) + s.len);
        } else if ((s.flags & tcp_flag::ack) != 0) {
            acks.push_back(Point{t, static_cast<double>(s.rel_ack)});
            windows.push_back(Point{t, static_cast<double>(s.rel_ack) + static_cast<double>(s.window)});
            top = std::max(top, windows.back().v);
        }
    }
    for (const GraphSack& k : *series.sacks) {
        const GraphSegment& s = segments[k.segment];
        if (s.side == series.side) continue;
        sacks.push_back(Bar{rel(series, s.ts_ns), static_cast<double>(k.left), static_cast<double>(k.right)});
    }
    finish_y(f, top, byte_unit(top), "relative sequence number");
    draw_axes(svg, f);
    const std::size_t limit = options.individual_limit;
    draw_step_path(svg, f, windows, "win", k_orange, limit);
    draw_step_path(svg, f, acks, "ack", k_green, limit);
    draw_bars(svg, f, sacks, "sack", k_sky, 3.0, limit, "SACK blocks");
    draw_bars(svg, f, data, "seg", k_blue, 1.6, limit, "data segments");
    if (!data.empty()) legend.push_back({"data segment (" + std::to_string(data.size()) + ")", k_blue});
    if (!acks.empty()) legend.push_back({"cumulative ACK", k_green});
    if (!windows.empty()) legend.push_back({"receive window (ACK + scaled window)", k_orange});
    if (!sacks.empty()) legend.push_back({"SACK block (" + std::to_string(sacks.size()) + ")", k_sky});
    std::vector<Mark> marks[k_graph_event_count];
    collect_marks(series, marks, event_value);
    draw_all_marks(svg, f, marks, limit, legend);
}

void draw_throughput(Svg& svg, Frame& f, const GraphSeries& series, const GraphSvgOptions& options,
                     std::vector<LegendEntry>& legend) {
    std::vector<Point> goodput;
    std::vector<Point> average;
    double top = 1;
    for (const ThroughputBin& b : series.bins) {
        goodput.push_back(Point{static_cast<double>(b.start_ns), b.goodput_bps});
        average.push_back(Point{static_cast<double>(b.start_ns + series.interval_ns / 2), b.average_bps});
        top = std::max(top, b.goodput_bps);
    }
    // The last interval holds its value to its end.
    if (!series.bins.empty())
        f.x.max = std::max(f.x.max, static_cast<double>(series.bins.back().start_ns + series.interval_ns));
    f.x.fit(10);
    finish_y(f, top, rate_unit(top), "goodput");
    draw_axes(svg, f);
    draw_step_path(svg, f, goodput, "goodput", k_blue, options.individual_limit);
    draw_step_path(svg, f, average, "average", k_orange, options.individual_limit);
    const Unit interval = time_unit(static_cast<double>(series.interval_ns));
    char text[96];
    std::snprintf(text, sizeof text, "goodput per %g %s interval",
                  static_cast<double>(series.interval_ns) / interval.divisor, interval.name);
    legend.push_back({text, k_blue});
    legend.push_back({"moving average (" + std::to_string(GraphSeries::k_average_intervals) + " intervals)", k_orange});
}

void draw_rtt(Svg& svg, Frame& f, const GraphSeries& series, const GraphSvgOptions& options,
              std::vector<LegendEntry>& legend) {
    std::vector<Bar> points;
    double top = 1000;
    for (const RttSample& r : series.rtt) {
        const auto v = static_cast<double>(r.rtt_ns);
        points.push_back(Bar{rel(series, r.ts_ns), v, v});
        top = std::max(top, v);
    }
    finish_y(f, top, time_unit(top), "round-trip time");
    draw_axes(svg, f);
    draw_bars(svg, f, points, "rtt", k_blue, 4.0, options.individual_limit, "RTT samples");
    legend.push_back({"RTT sample, Karn's rule (" + std::to_string(points.size()) + ")", k_blue});
}

// Window events sit on the receiver's window line (zero) or on the data's bytes in flight.
double window_event_value(const GraphSegment& s, unsigned data_side, GraphEvent /*event*/) {
    if (s.side == data_side) return s.has_bytes_in_flight ? static_cast<double>(s.bytes_in_flight) : 0.0;
    return static_cast<double>(s.window);
}

void draw_window(Svg& svg, Frame& f, const GraphSeries& series, const GraphSvgOptions& options,
                 std::vector<LegendEntry>& legend) {
    std::vector<Point> windows;
    std::vector<Bar> in_flight;
    double top = 1;
    for (const GraphSegment& s : *series.segments) {
        const double t = rel(series, s.ts_ns);
        if (s.side != series.side) {
            windows.push_back(Point{t, static_cast<double>(s.window)});
            top = std::max(top, windows.back().v);
        } else if (s.has_bytes_in_flight) {
            const auto v = static_cast<double>(s.bytes_in_flight);
            in_flight.push_back(Bar{t, v, v});
            top = std::max(top, v);
        }
    }
    finish_y(f, top, byte_unit(top), "bytes");
    draw_axes(svg, f);
    draw_step_path(svg, f, windows, "win", k_orange, options.individual_limit);
    draw_bars(svg, f, in_flight, "bif", k_blue, 3.0, options.individual_limit, "bytes-in-flight samples");
    if (!windows.empty()) legend.push_back({"receiver's advertised window (scaled)", k_orange});
    if (!in_flight.empty()) legend.push_back({"bytes in flight (" + std::to_string(in_flight.size()) + ")", k_blue});
    std::vector<Mark> marks[k_graph_event_count];
    collect_marks(series, marks, window_event_value);
    draw_all_marks(svg, f, marks, options.individual_limit, legend);
}

}  // namespace

std::string render_graph_svg(const GraphSeries& series, const GraphSvgOptions& options) {
    Svg svg;
    open_document(svg, series, options);
    Frame f = make_frame(series, options);
    std::vector<LegendEntry> legend;
    switch (series.kind) {
    case GraphKind::sequence: draw_sequence(svg, f, series, options, legend); break;
    case GraphKind::throughput: draw_throughput(svg, f, series, options, legend); break;
    case GraphKind::rtt: draw_rtt(svg, f, series, options, legend); break;
    case GraphKind::window: draw_window(svg, f, series, options, legend); break;
    }
    if (legend.empty()) {
        svg.add(
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"14\">no data in this direction</text>\n",
            f.left + f.width / 2, f.top + f.height / 2);
    }
    if (series.dropped != 0) {
        legend.push_back({std::to_string(series.dropped) + " segments beyond the cap not drawn", k_grey});
    }
    draw_legend(svg, f, legend);
    svg.raw("</svg>\n");
    return svg.take();
}

}  // namespace tcpvet::report
