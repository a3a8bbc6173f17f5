// Streaming JSON: separators tracked per nesting level; strings escaped per RFC 8259 §7.
#include "tcpvet/report/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace tcpvet::report {

bool JsonWriter::needs_comma() noexcept {
    if (m_after_key) {
        m_after_key = false;
        return false;
    }
    if (m_depth == 0) return false;
    const bool comma = m_has_items[m_depth - 1];
    m_has_items[m_depth - 1] = true;
    return comma;
}

void JsonWriter::separate() {
    if (needs_comma()) m_out.push_back(',');
}

void JsonWriter::open(char bracket) {
    separate();
    m_out.push_back(bracket);
    if (m_depth < k_max_depth) m_has_items[m_depth] = false;
    ++m_depth;
}

void JsonWriter::close(char bracket) {
    if (m_depth > 0) --m_depth;
    m_out.push_back(bracket);
}

// Member names are tcpvet's own snake_case identifiers: nothing to escape.
void JsonWriter::key(std::string_view name) {
    // One append of `,"name":` (a record writes a hundred keys): every append checks capacity.
    constexpr std::size_t k_short = 48;
    if (name.size() > k_short) {
        separate();
        m_out.push_back('"');
        m_out.append(name);
        m_out.append("\":", 2);
    } else {
        char text[k_short + 4];
        char* end = text;
        if (needs_comma()) *end++ = ',';
        *end++ = '"';
        std::memcpy(end, name.data(), name.size());
        end += name.size();
        *end++ = '"';
        *end++ = ':';
        m_out.append(text, static_cast<std::size_t>(end - text));
    }
    m_after_key = true;
}

void JsonWriter::value(std::string_view text) {
    separate();
    static constexpr char k_hex[] = "0123456789abcdef";
    m_out.push_back('"');
    std::size_t run = 0;  // start of the pending run of characters that need no escape
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\') continue;  // UTF-8 passes through
        m_out.append(text.data() + run, i - run);
        run = i + 1;
        switch (byte) {
        case '"': m_out.append("\\\"", 2); break;
        case '\\': m_out.append("\\\\", 2); break;
        case '\n': m_out.append("\\n", 2); break;
        case '\r': m_out.append("\\r", 2); break;
        case '\t': m_out.append("\\t", 2); break;
        default:
            m_out.append("\\u00", 4);
            m_out.push_back(k_hex[byte >> 4U]);
            m_out.push_back(k_hex[byte & 0xFU]);
        }
    }
    m_out.append(text.data() + run, text.size() - run);
    m_out.push_back('"');
}

void JsonWriter::value(bool flag) {
    const bool comma = needs_comma();
    const std::string_view text = flag ? std::string_view(",true") : std::string_view(",false");
    m_out.append(comma ? text : text.substr(1));
}

void JsonWriter::value(std::uint64_t number) {
    char text[24];
    char* first = text;
    if (needs_comma()) *first++ = ',';
    const auto result = std::to_chars(first, text + sizeof(text), number);
    m_out.append(text, result.ptr);
}

void JsonWriter::value(std::int64_t number) {
    char text[24];
    char* first = text;
    if (needs_comma()) *first++ = ',';
    const auto result = std::to_chars(first, text + sizeof(text), number);
    m_out.append(text, result.ptr);
}

void JsonWriter::value(double number) {
    if (!std::isfinite(number)) {
        null();  // JSON has no NaN or infinity
        return;
    }
    char text[40];
    char* first = text;
    if (needs_comma()) *first++ = ',';
    const auto result = std::to_chars(first, text + sizeof(text), number);  // shortest round-trip form
    m_out.append(text, result.ptr);
}

void JsonWriter::number(std::string_view text) {
    separate();
    m_out.append(text);
}

void JsonWriter::null() {
    m_out.append(needs_comma() ? std::string_view(",null") : std::string_view("null"));
}

}  // namespace tcpvet::report
