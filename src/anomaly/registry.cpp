// Names of severities and lookups in the kind registry.
#include "tcpvet/anomaly/registry.hpp"

namespace tcpvet::anomaly {

// The table is indexed by kind: a misplaced row would give a kind another kind's name.
static_assert([] {
    for (std::size_t i = 0; i < k_kinds.size(); ++i) {
        if (static_cast<std::size_t>(k_kinds[i].kind) != i) return false;
    }
    return true;
}());

std::string_view name(Severity severity) noexcept {
    switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
    }
    return "?";
}

std::optional<Severity> parse_severity(std::string_view text) noexcept {
    for (const Severity severity : {Severity::info, Severity::warning, Severity::critical}) {
        if (text == name(severity)) return severity;
    }
    return std::nullopt;
}

std::optional<AnomalyKind> parse_kind(std::string_view text) noexcept {
    for (const KindInfo& entry : k_kinds) {
        if (entry.name == text) return entry.kind;
    }
    return std::nullopt;
}

}  // namespace tcpvet::anomaly
