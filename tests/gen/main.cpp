// tcpvet_gen: writes deterministic TCP captures for tcpvet's tests and benchmarks (no libpcap).
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "scenarios.hpp"

namespace {

using tcpvet::gen::CaptureFormat;
using tcpvet::gen::LinkKind;

void usage(std::FILE* out) {
    std::fputs(
        "usage: tcpvet_gen SCENARIO OUT [--format pcap|pcap-ns|pcapng]\n"
        "                  [--link "
        "en10mb|vlan|qinq|pbb|vntag|etag|fabricpath|sll|sll2|raw|null|loop|snap|ppp|chdlc|frelay|fddi|wifi|\n"
        "                          radiotap|ppi|nflog|pflog|ipoib|arcnet|juniper] [--ipv6] [--count N] [--seed N]\n"
        "       tcpvet_gen --list\n",
        out);
}

bool parse_u64(const char* text, std::uint64_t& out) {
    if (text == nullptr || *text == '\0') {
        return false;
    }
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || text[0] == '-') {
        return false;
    }
    out = v;
    return true;
}

bool parse_format(std::string_view s, CaptureFormat& out) {
    if (s == "pcap") {
        out = CaptureFormat::pcap;
    } else if (s == "pcap-ns") {
        out = CaptureFormat::pcap_ns;
    } else if (s == "pcapng") {
        out = CaptureFormat::pcapng;
    } else {
        return false;
    }
    return true;
}

bool parse_link(std::string_view s, LinkKind& out) {
    struct Name {
        std::string_view name;
        LinkKind kind;
    };
    static constexpr Name k_names[] = {{"en10mb", LinkKind::en10mb},
                                       {"vlan", LinkKind::vlan},
                                       {"qinq", LinkKind::qinq},
                                       {"sll", LinkKind::sll},
                                       {"sll2", LinkKind::sll2},
                                       {"raw", LinkKind::raw},
                                       {"null", LinkKind::null},
                                       {"loop", LinkKind::loop},
                                       {"snap", LinkKind::snap},
                                       {"ppp", LinkKind::ppp},
                                       {"chdlc", LinkKind::chdlc},
                                       {"frelay", LinkKind::frelay},
                                       {"fddi", LinkKind::fddi},
                                       {"wifi", LinkKind::wifi},
                                       {"radiotap", LinkKind::radiotap},
                                       {"ppi", LinkKind::ppi},
                                       {"nflog", LinkKind::nflog},
                                       {"pflog", LinkKind::pflog},
                                       {"ipoib", LinkKind::ipoib},
                                       {"arcnet", LinkKind::arcnet},
                                       {"juniper", LinkKind::juniper},
                                       {"pbb", LinkKind::pbb},
                                       {"vntag", LinkKind::vntag},
                                       {"etag", LinkKind::etag},
                                       {"fabricpath", LinkKind::fabricpath}};
    for (const Name& n : k_names) {
        if (n.name == s) {
            out = n.kind;
            return true;
        }
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tcpvet::gen;
    if (argc == 2 && std::string_view(argv[1]) == "--list") {
        for (const Scenario& s : scenarios()) {
            std::printf("%-26s %s\n", s.name, s.summary);
        }
        return 0;
    }
    if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
        usage(stdout);
        return 0;
    }

    const char* scenario_name = nullptr;
    const char* out_path = nullptr;
    GenOptions opt;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (arg == "--format") {
            if (value == nullptr || !parse_format(value, opt.format)) {
                std::fprintf(stderr, "tcpvet_gen: --format needs pcap, pcap-ns or pcapng\n");
                return 2;
            }
            ++i;
        } else if (arg == "--link") {
            if (value == nullptr || !parse_link(value, opt.link)) {
                std::fprintf(stderr,
                             "tcpvet_gen: --link needs en10mb, vlan, qinq, pbb, vntag, etag, fabricpath, sll, sll2, "
                             "raw, null, loop, snap, ppp, chdlc, "
                             "frelay, fddi, wifi, radiotap, ppi, nflog, pflog, ipoib, arcnet or juniper\n");
                return 2;
            }
            ++i;
        } else if (arg == "--ipv6") {
            opt.ipv6 = true;
        } else if (arg == "--count") {
            if (!parse_u64(value, opt.count) || opt.count == 0) {
                std::fprintf(stderr, "tcpvet_gen: --count needs a positive number\n");
                return 2;
            }
            ++i;
        } else if (arg == "--seed") {
            if (!parse_u64(value, opt.seed)) {
                std::fprintf(stderr, "tcpvet_gen: --seed needs a number\n");
                return 2;
            }
            ++i;
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr, "tcpvet_gen: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (scenario_name == nullptr) {
            scenario_name = argv[i];
        } else if (out_path == nullptr) {
            out_path = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (scenario_name == nullptr || out_path == nullptr) {
        usage(stderr);
        return 2;
    }

    const Scenario* chosen = nullptr;
    for (const Scenario& s : scenarios()) {
        if (std::string_view(s.name) == scenario_name) {
            chosen = &s;
        }
    }
    if (chosen == nullptr) {
        std::fprintf(stderr, "tcpvet_gen: unknown scenario '%s' (see --list)\n", scenario_name);
        return 2;
    }

    CaptureWriter writer;
    if (!writer.open(out_path, opt.format, link_type_value(opt.link))) {
        std::fprintf(stderr, "tcpvet_gen: %s: %s\n", out_path, std::strerror(errno));
        return 1;
    }
    {
        Wire wire(writer, opt.link);
        chosen->play(wire, opt);
    }
    if (!writer.close()) {
        std::fprintf(stderr, "tcpvet_gen: %s: write failed\n", out_path);
        return 1;
    }
    return 0;
}
