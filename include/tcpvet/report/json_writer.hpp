// A streaming JSON writer for the records written once per conversation or segment.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tcpvet::report {

// Appends compact JSON to a string, in member order, with no intermediate tree. nlohmann_json
// builds the documents and parses; per-record output goes through this because a DOM costs
// ~10x (a tree of map nodes per record, then a second pass to serialise it).
class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : m_out(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(std::string_view name);

    void value(std::string_view text);
    void value(const char* text) { value(std::string_view(text)); }
    void value(bool flag);
    void value(std::uint64_t number);
    void value(std::int64_t number);
    void value(std::uint32_t number) { value(std::uint64_t{number}); }
    void value(std::uint16_t number) { value(std::uint64_t{number}); }
    void value(std::uint8_t number) { value(std::uint64_t{number}); }
    void value(int number) { value(std::int64_t{number}); }
    void value(double number);
    // A number already in JSON form (report/seconds_text.hpp writes times that way).
    void number(std::string_view text);
    void null();

    template <typename T>
    void member(std::string_view name, const T& v) {
        key(name);
        value(v);
    }
    void null_member(std::string_view name) {
        key(name);
        null();
    }

private:
    // Whether the next item needs a comma before it, and records that the level now has one.
    bool needs_comma() noexcept;
    void separate();
    void open(char bracket);
    void close(char bracket);

    static constexpr std::size_t k_max_depth = 32;
    std::string& m_out;
    std::array<bool, k_max_depth> m_has_items{};
    std::size_t m_depth = 0;
    bool m_after_key = false;
};

}  // namespace tcpvet::report
