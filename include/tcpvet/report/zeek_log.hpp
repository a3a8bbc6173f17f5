// Zeek's conn.log, as TSV (Zeek's ASCII writer) or one JSON object per line (its JSON writer).
#pragma once

#include <cstdint>
#include <string>

#include "tcpvet/flow/conversation.hpp"

namespace tcpvet::report {

// The header lines, up to #types; `open_ns` is the time the log was opened.
[[nodiscard]] std::string zeek_tsv_header(std::int64_t open_ns);
// The closing `#close` line.
[[nodiscard]] std::string zeek_tsv_close(std::int64_t close_ns);
// One conn.log row (with its newline).
[[nodiscard]] std::string zeek_tsv_row(const flow::Conversation& conversation);
// One JSON object (with its newline); unset fields are omitted as Zeek's JSON writer does.
[[nodiscard]] std::string zeek_json_row(const flow::Conversation& conversation);
// Deterministic uid: 'C' and 17 base62 characters from the 5-tuple, first time and stream number.
[[nodiscard]] std::string zeek_uid(const flow::Conversation& conversation);

}  // namespace tcpvet::report
