// The --select tokenizer: operators are punctuation, everything else between them is one word.
#include "tcpvet/select/lexer.hpp"

namespace tcpvet::select {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Characters that end a word: they start an operator or a parenthesis.
bool is_punctuation(char c) noexcept {
    return c == '(' || c == ')' || c == '!' || c == '<' || c == '>' || c == '=' || c == '&' || c == '|';
}

// The operator at `rest`, and its length; invalid for a lone '&', '|' or '='.
TokenKind operator_at(std::string_view rest, std::size_t& length) noexcept {
    const char c = rest[0];
    const char next = rest.size() > 1 ? rest[1] : '\0';
    length = 2;
    if (c == '=' && next == '=') return TokenKind::eq;
    if (c == '!' && next == '=') return TokenKind::ne;
    if (c == '<' && next == '=') return TokenKind::le;
    if (c == '>' && next == '=') return TokenKind::ge;
    if (c == '&' && next == '&') return TokenKind::and_op;
    if (c == '|' && next == '|') return TokenKind::or_op;
    length = 1;
    switch (c) {
    case '<': return TokenKind::lt;
    case '>': return TokenKind::gt;
    case '!': return TokenKind::not_op;
    case '(': return TokenKind::open;
    case ')': return TokenKind::close;
    default: return TokenKind::invalid;
    }
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        if (is_punctuation(text[i])) {
            std::size_t length = 1;
            const TokenKind kind = operator_at(text.substr(i), length);
            tokens.push_back(Token{kind, text.substr(start, length), start + 1});
            i += length;
            continue;
        }
        while (i < text.size() && !is_space(text[i]) && !is_punctuation(text[i])) ++i;
        tokens.push_back(Token{TokenKind::word, text.substr(start, i - start), start + 1});
    }
    tokens.push_back(Token{TokenKind::end, {}, text.size() + 1});
    return tokens;
}

}  // namespace tcpvet::select
