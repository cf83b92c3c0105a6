#pragma once
// PromQL's tokens (https://prometheus.io/docs/prometheus/latest/querying/basics/): names (metric
// names may hold colons), numbers (decimal, hexadecimal, exponents, Inf and NaN), strings in
// double or single quotes with Go's escapes or in backquotes taken as they are, durations inside
// brackets, operators and punctuation. `#` starts a comment that runs to the end of the line.
// Pure; every token and error carries its byte offset.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.h"

namespace vigil::alerting::promql {

enum class TokenKind {
  kEnd,
  kName,      // identifiers and keywords; `text` as written
  kNumber,    // `number` holds the value
  kString,    // `text` holds the unquoted value
  kDuration,  // only right after "[" or ":" inside brackets, or after "offset"; `text` as written
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,
  kAt,
  kOperator,  // + - * / % ^ == != <= < >= > = =~ !~
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::size_t offset = 0;
  std::string text;
  double number = 0;
};

struct LexError {
  std::size_t offset = 0;
  std::string message;
};

// All the tokens of `text`, the last one kEnd; or the first error.
struct Lexed {
  std::vector<Token> tokens;
  std::optional<LexError> error;
};
Lexed Lex(std::string_view text);

// A duration as PromQL writes one: <integer><unit> terms, units y w d h m s ms, largest first
// (5m, 1h30m, 2w); nullopt when `text` is not one.
std::optional<Duration> ParseDurationText(std::string_view text);

// Whether `name` (in any case) is one of PromQL's keywords: the operators and modifiers written as
// words, the aggregations, Inf and NaN. A metric of such a name is selected as {__name__="..."}.
bool IsKeyword(std::string_view name);
// `name` in lowercase: PromQL's keywords are matched without regard to case.
std::string Lowercase(std::string_view name);

// Reads the quoted string that starts at `pos` ("...", '...' with Go's escapes, `...` as is) and
// moves `pos` past it; nullopt with `error` set when it is not a valid string.
std::optional<std::string> ScanQuoted(std::string_view text, std::size_t& pos, LexError& error);

}  // namespace vigil::alerting::promql
