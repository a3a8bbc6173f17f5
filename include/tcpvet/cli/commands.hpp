// The subcommands. Each returns the process exit status (0 ok, 1 usage/input error, 2 --fail-on).
#pragma once

#include "tcpvet/cli/options.hpp"

namespace tcpvet::cli {

int run_analyze(const Options& options);
int run_packets(const Options& options);
int run_conversations(const Options& options);
int run_ladder(const Options& options);
int run_live(const Options& options);
int run_follow(const Options& options);  // src/cli/follow_command.cpp
int run_graph(const Options& options);   // src/cli/graph_command.cpp

}  // namespace tcpvet::cli
