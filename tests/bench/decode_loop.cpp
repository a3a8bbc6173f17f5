// decode_loop: tcpvet's own first stage alone, the floor under its analysis in tests/bench/run_bench.sh.
// It does what every `tcpvet analyze` does before tracking, and nothing after: the same PacketSource
// (libpcap, its buffer as tcpvet sets it) and FrameReader (link, IPv4/IPv6 and TCP decoding, the IPv4
// header and TCP checksums, the capture counters). Its time over the bare libpcap loop's is the cost
// of decoding; tcpvet's time over its own is the cost of tracking, analysis and the report.
#include <cstdio>
#include <exception>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/frame_reader.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: decode_loop FILE\n");
        return 2;
    }
    try {
        tcpvet::capture::SourceOptions source_options;
        source_options.files.emplace_back(argv[1]);
        tcpvet::capture::PacketSource source(source_options);
        if (!source.open()) {
            std::fprintf(stderr, "decode_loop: %s\n", source.error().c_str());
            return 1;
        }
        const tcpvet::PipelineOptions options;
        tcpvet::FrameReader reader(source, options, nullptr);
        tcpvet::DecodedPacket packet;
        while (reader.next(packet)) {}
        tcpvet::PipelineResult result;
        reader.conclude(result);
        if (result.failed) {
            std::fprintf(stderr, "decode_loop: %s\n", result.error.c_str());
            return 1;
        }
        // The counters, so that the decoding cannot be optimised away and can be checked.
        std::printf("%llu packets, %llu TCP, %llu bad TCP checksums\n",
                    static_cast<unsigned long long>(result.capture.packets),
                    static_cast<unsigned long long>(result.capture.tcp),
                    static_cast<unsigned long long>(result.capture.bad_tcp_checksum));
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "decode_loop: %s\n", error.what());
        return 1;
    }
}
