// A streaming JSON writer for the records written once per conversation or segment.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tcpvet::report {

// Appends compact JSON to a string, in member order, with no intermediate tree. nlohmann_json
// builds the documents and parses; per-record output goes through this because a DOM costs
// ~10x (a tree of map nodes per record, then a second pass to serialise it).
//
// Tokens are written through a pointer into room reserved at the end of the string (its size
// grown ahead of the text), not appended one by one: a conversation record has ~450 tokens, and
// each append checks capacity and calls memcpy. The string holds exactly the text written
// whenever the writer is back at the top level (after a whole value) and once it is destroyed.
class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : m_out(out), m_length(out.size()) {}
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;
    ~JsonWriter() { m_out.resize(m_length); }

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    // Member names are tcpvet's own snake_case identifiers: nothing to escape. Inline, so that a
    // literal's length is known where it is copied.
    void key(std::string_view name) {
        char* p = start_item(name.size() + 3);
        *p++ = '"';
        std::memcpy(p, name.data(), name.size());
        p += name.size();
        *p++ = '"';
        *p++ = ':';
        end_at(p);
        m_after_key = true;
    }

    // Text given to value() and number() must not lie in the output string: room() may move it.
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
    // Where the next `bytes` may be written, a separator besides; the caller then calls end_at().
    char* room(std::size_t bytes) {
        if (m_out.size() - m_length < bytes + 1) grow(bytes + 1);
        return m_out.data() + m_length;
    }
    // The text now ends at `end`; back at the top level, the string is cut to it.
    void end_at(const char* end) {
        m_length = static_cast<std::size_t>(end - m_out.data());
        if (m_depth == 0) m_out.resize(m_length);
    }
    // room() for an item of `bytes`, with the comma before it written when the level needs one.
    char* start_item(std::size_t bytes) {
        char* p = room(bytes);
        if (needs_comma()) *p++ = ',';
        return p;
    }
    void grow(std::size_t bytes);
    // Whether the next item needs a comma before it, and records that the level now has one.
    bool needs_comma() noexcept {
        if (m_after_key) {
            m_after_key = false;
            return false;
        }
        if (m_depth == 0 || m_depth > k_max_depth) return false;
        const bool comma = m_has_items[m_depth - 1];
        m_has_items[m_depth - 1] = true;
        return comma;
    }
    void open(char bracket);
    void close(char bracket);

    // tcpvet's records nest 5 deep; open() asserts this bound, past which separators are not tracked.
    static constexpr std::size_t k_max_depth = 32;
    std::string& m_out;
    std::size_t m_length;  // of the text in m_out; the rest of m_out is room
    std::array<bool, k_max_depth> m_has_items{};
    std::size_t m_depth = 0;
    bool m_after_key = false;
};

}  // namespace tcpvet::report
