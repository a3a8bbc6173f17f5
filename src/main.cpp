// tcpvet entry point: the command line lives in src/cli, the analysis in tcpvet_core.
#include "tcpvet/cli/app.hpp"

int main(int argc, char** argv) { return tcpvet::cli::run(argc, argv); }
