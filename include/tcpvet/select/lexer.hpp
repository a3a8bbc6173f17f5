// Tokens of the --select language: words, comparison and boolean operators, parentheses.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tcpvet::select {

enum class TokenKind : std::uint8_t {
    word,  // a field name, a keyword (and, or, not, eq, ...) or a value (10.0.0.0/8, S0, 1.5, RFC 3339)
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    and_op,  // &&
    or_op,   // ||
    not_op,  // !
    open,
    close,
    end,
    invalid,  // a lone '&', '|' or '=' (text says which)
};

struct Token {
    TokenKind kind = TokenKind::end;
    std::string_view text;   // a view into the expression
    std::size_t column = 0;  // 1-based
};

// Splits `text` into tokens, ending with one `end` token (column: one past the last character).
[[nodiscard]] std::vector<Token> tokenize(std::string_view text);

}  // namespace tcpvet::select
