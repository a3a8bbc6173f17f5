// The command line: parses arguments, runs a subcommand, returns the exit status.
#pragma once

namespace tcpvet::cli {

// Exit status: 0 ok, 1 usage or input error, 2 anomalies at or above --fail-on.
int run(int argc, char** argv);

}  // namespace tcpvet::cli
