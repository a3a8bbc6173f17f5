// The graph views as self-contained SVG: axes with units and 1-2-5 ticks, a legend, a title.
#pragma once

#include <cstddef>
#include <string>

#include "tcpvet/report/graph_model.hpp"

namespace tcpvet::report {

struct GraphSvgOptions {
    unsigned width = 1000;  // px
    unsigned height = 600;
    // A series with more items than this is drawn per pixel column (its min/max envelope, the
    // count in each element's data-n and title) instead of item by item.
    std::size_t individual_limit = 3000;
};

// The whole document. Every marked event is drawn, one element each or (past the limit) one per
// pixel with its count; element classes: seg, sack, ack, win, goodput, average, rtt, bif and
// "mark mark-EVENT" (k_graph_event_names).
[[nodiscard]] std::string render_graph_svg(const GraphSeries& series, const GraphSvgOptions& options = {});

}  // namespace tcpvet::report
