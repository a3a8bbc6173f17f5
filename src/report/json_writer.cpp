// Streaming JSON: separators tracked per nesting level; strings escaped per RFC 8259 §7.
#include "tcpvet/report/json_writer.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace tcpvet::report {

void JsonWriter::grow(std::size_t bytes) {
    // Room comes in steps of at least k_room_step bytes: resize() zero-fills what it adds, so a
    // step must not be much more than the next few tokens need (a segment record is ~400 bytes
    // and its string is reused), nor so small that the resizes add up. Past the capacity, the
    // string doubles.
    constexpr std::size_t k_room_step = 1024;
    const std::size_t wanted = m_length + std::max(bytes, k_room_step);
    m_out.resize(wanted <= m_out.capacity() ? wanted : std::max(m_out.capacity() * 2, wanted));
}

void JsonWriter::open(char bracket) {
    assert(m_depth < k_max_depth);
    char* p = start_item(1);
    *p++ = bracket;
    if (m_depth < k_max_depth) m_has_items[m_depth] = false;
    ++m_depth;
    end_at(p);
}

void JsonWriter::close(char bracket) {
    char* p = room(1);
    if (m_depth > 0) --m_depth;
    *p++ = bracket;
    end_at(p);
}

void JsonWriter::value(std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    char* p = start_item(text.size() * 6 + 2);  // every byte escaped as \u00XX at worst, and the quotes
    *p++ = '"';
    std::size_t run = 0;  // start of the pending run of characters that need no escape
    const auto flush_run = [&](std::size_t end) {
        std::memcpy(p, text.data() + run, end - run);
        p += end - run;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\') continue;  // UTF-8 passes through
        flush_run(i);
        run = i + 1;
        *p++ = '\\';
        switch (byte) {
        case '"': *p++ = '"'; break;
        case '\\': *p++ = '\\'; break;
        case '\n': *p++ = 'n'; break;
        case '\r': *p++ = 'r'; break;
        case '\t': *p++ = 't'; break;
        default:
            std::memcpy(p, "u00", 3);
            p += 3;
            *p++ = k_hex[byte >> 4U];
            *p++ = k_hex[byte & 0xFU];
        }
    }
    flush_run(text.size());
    *p++ = '"';
    end_at(p);
}

void JsonWriter::value(bool flag) {
    char* p = start_item(5);
    const std::string_view text = flag ? std::string_view("true") : std::string_view("false");
    std::memcpy(p, text.data(), text.size());
    end_at(p + text.size());
}

void JsonWriter::value(std::uint64_t number) {
    constexpr std::size_t k_digits = 20;
    char* p = start_item(k_digits);
    end_at(std::to_chars(p, p + k_digits, number).ptr);
}

void JsonWriter::value(std::int64_t number) {
    constexpr std::size_t k_digits = 20;  // with the sign
    char* p = start_item(k_digits);
    end_at(std::to_chars(p, p + k_digits, number).ptr);
}

void JsonWriter::value(double number) {
    if (!std::isfinite(number)) {
        null();  // JSON has no NaN or infinity
        return;
    }
    constexpr std::size_t k_longest = 32;  // "-2.2250738585072014e-308" is 24
    char* p = start_item(k_longest);
    end_at(std::to_chars(p, p + k_longest, number).ptr);  // shortest round-trip form
}

void JsonWriter::number(std::string_view text) {
    char* p = start_item(text.size());
    std::memcpy(p, text.data(), text.size());
    end_at(p + text.size());
}

void JsonWriter::null() {
    char* p = start_item(4);
    std::memcpy(p, "null", 4);
    end_at(p + 4);
}

}  // namespace tcpvet::report
