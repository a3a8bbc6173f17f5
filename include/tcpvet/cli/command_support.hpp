// What the subcommands share: where output goes, colours and width, exit statuses, and the
// options turned into the pipeline's plain structs.
#pragma once

#include <array>
#include <fstream>
#include <ostream>
#include <string>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/cli/options.hpp"
#include "tcpvet/cli/output_file.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/text_report.hpp"

namespace tcpvet::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_error = 1;
inline constexpr int k_exit_anomaly = 2;

// One line on stderr, "tcpvet: ..." — the only way errors reach the user; a message of several
// lines (one per failed input) gets the prefix on each.
void print_error(const std::string& lines);

// Where a command writes: stdout or -o FILE, with a large buffer so line output is cheap. -o FILE is
// refused when it (or -w) is one of the inputs, and is written to a temporary file that finish()
// renames into place: a run that fails before finish() leaves the previous FILE as it was.
class Output {
public:
    enum class Placement : std::uint8_t { replace_when_done, write_in_place };
    // Prints the error and returns false when the output clashes with an input or cannot be created.
    bool open(const Options& options, Placement placement = Placement::replace_when_done);
    std::ostream& stream() { return *m_stream; }
    [[nodiscard]] bool is_tty() const noexcept { return m_tty; }
    // Flushes and puts the file in place; false (with the error printed) when writing failed.
    bool finish();

private:
    std::string m_path;  // -o FILE, for messages
    ReplacingFile m_file;
    FdStreamBuf m_buffer;
    std::ostream m_to_file{&m_buffer};
    std::ostream* m_stream = nullptr;
    bool m_tty = false;
};

// Colour (--color, NO_COLOR, TTY) and width (COLUMNS, the terminal, else 80) of text output.
[[nodiscard]] report::TextStyle text_style(const Options& options, const Output& output);

[[nodiscard]] flow::TrackerOptions tracker_options(const Options& options);
[[nodiscard]] PipelineOptions pipeline_options(const Options& options);
[[nodiscard]] capture::SourceOptions source_options(const Options& options);

// Opens the input; prints the error and returns false when it cannot.
bool open_source(capture::PacketSource& source);

// Flushes the output and reports an input error: k_exit_error if either failed, else k_exit_ok.
int finish_status(const PipelineResult& result, Output& output);

}  // namespace tcpvet::cli
