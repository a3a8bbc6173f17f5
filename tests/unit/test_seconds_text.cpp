// Times written from integers must be exactly what std::to_chars writes for the same doubles:
// checked over a million values, the boundaries of each fast path included.
#include <doctest/doctest.h>

#include <charconv>
#include <limits>
#include <string>

#include "tcpvet/report/format.hpp"
#include "tcpvet/report/seconds_text.hpp"

namespace report = tcpvet::report;

namespace {

// splitmix64: a fixed, seeded stream, so a failure names a value that reproduces.
struct Values {
    std::uint64_t state;
    std::uint64_t next() noexcept {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    // Spread over every magnitude below 2^bits, not only the large ones.
    std::int64_t any_magnitude(unsigned bits) noexcept {
        const unsigned width = 1 + static_cast<unsigned>(next() % bits);
        return static_cast<std::int64_t>(next() >> (64U - width));
    }
};

std::string by_to_chars(double value) {
    char text[64];
    return std::string(text, std::to_chars(text, text + sizeof(text), value).ptr);
}

std::string duration_text(std::int64_t ns) {
    char text[report::k_seconds_text_max];
    return std::string(text, report::write_duration_seconds(text, ns));
}

std::string epoch_text(std::int64_t ns) {
    char text[report::k_seconds_text_max];
    return std::string(text, report::write_epoch_seconds(text, ns));
}

}  // namespace

TEST_SUITE("seconds_text") {
    TEST_CASE("durations read as std::to_chars writes the double ns / 1e9") {
        // Forms of each kind: fixed, fixed with a whole part, scientific (8e-06 is shorter than 0.000008).
        CHECK(duration_text(0) == "0");
        CHECK(duration_text(312'000) == "0.000312");
        CHECK(duration_text(8'000) == "8e-06");
        CHECK(duration_text(480'000) == "0.00048");
        CHECK(duration_text(15'942'072'000) == "15.942072");
        CHECK(duration_text(-1) == "-1e-09");
        CHECK(duration_text(100'000'000'000'000) == "1e+05");  // 5 characters against 6
        const std::int64_t edges[] = {1,
                                      9,
                                      10,
                                      999'999'999,
                                      1'000'000'000,
                                      1'000'000'001,
                                      123'456'789'012'345,
                                      report::k_exact_duration_limit_ns - 1,
                                      report::k_exact_duration_limit_ns,
                                      report::k_exact_duration_limit_ns + 1,
                                      std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};
        for (const std::int64_t ns : edges) {
            CAPTURE(ns);
            CHECK(duration_text(ns) == by_to_chars(static_cast<double>(ns) / 1e9));
            if (ns != std::numeric_limits<std::int64_t>::min()) {
                CHECK(duration_text(-ns) == by_to_chars(static_cast<double>(-ns) / 1e9));
            }
        }
        std::int64_t powers = 1;
        for (int k = 0; k < 18; ++k, powers *= 10) {
            CAPTURE(powers);
            CHECK(duration_text(powers) == by_to_chars(static_cast<double>(powers) / 1e9));
        }
        Values values{1};
        std::size_t mismatches = 0;
        for (int i = 0; i < 400'000; ++i) {
            const std::int64_t ns = values.any_magnitude(53) * ((i & 1) != 0 ? -1 : 1);
            if (duration_text(ns) != by_to_chars(static_cast<double>(ns) / 1e9)) {
                if (mismatches++ < 5) MESSAGE("duration mismatch at ns=" << ns);
            }
        }
        CHECK(mismatches == 0);
    }

    TEST_CASE("epoch seconds read as std::to_chars writes epoch_seconds") {
        CHECK(epoch_text(1'767'225'600'000'040'000) == "1767225600.00004");
        CHECK(epoch_text(1'767'225'620'099'990'000) == by_to_chars(report::epoch_seconds(1'767'225'620'099'990'000)));
        // The search's ends: 1 s, just below 2^33 s, exact powers of two (a nearer lower neighbour).
        const std::int64_t edges[] = {0,
                                      1,
                                      999'999'999,
                                      1'000'000'000,
                                      1'000'000'001,
                                      2'000'000'000,
                                      4'294'967'296'000'000'000,
                                      8'589'934'591'999'999'999,
                                      8'589'934'592'000'000'000,
                                      -1,
                                      -1'000'000'000,
                                      std::numeric_limits<std::int64_t>::max()};
        for (const std::int64_t ns : edges) {
            CAPTURE(ns);
            CHECK(epoch_text(ns) == by_to_chars(report::epoch_seconds(ns)));
        }
        Values values{2};
        std::size_t mismatches = 0;
        for (int i = 0; i < 600'000; ++i) {
            std::int64_t ns = 0;
            switch (i % 4) {
            case 0: ns = values.any_magnitude(63); break;                                   // anything
            case 1: ns = 1'600'000'000'000'000'000 + values.any_magnitude(58); break;       // ns stamps now
            case 2: ns = (1'600'000'000'000'000 + values.any_magnitude(48)) * 1000; break;  // us stamps
            default: ns = static_cast<std::int64_t>(values.next() % 8'600'000'000'000'000'000ULL); break;  // to 2242
            }
            if (epoch_text(ns) != by_to_chars(report::epoch_seconds(ns))) {
                if (mismatches++ < 5) MESSAGE("epoch mismatch at ns=" << ns);
            }
        }
        CHECK(mismatches == 0);
    }
}
