#pragma once
// Regular expressions in annotation templates (reReplaceAll, match): Go's syntax, which RE2
// reads, unanchored, with Go's meaning of a replacement.

#include <string>

#include "common/result.h"

namespace vigil::alerting {

// Why `pattern` does not compile; empty when it does.
std::string TemplateRegexError(const std::string& pattern);

// Go's Regexp.ReplaceAllString: each match replaced by `replacement`, in which $1, ${1}, $name
// and ${name} stand for a group (empty when there is no such group) and $$ for a '$'.
Result<std::string> ReplaceAllMatches(const std::string& pattern, const std::string& replacement,
                                      const std::string& text);

// Go's regexp.MatchString: whether `pattern` matches anywhere in `text`.
Result<bool> MatchesAnywhere(const std::string& pattern, const std::string& text);

}  // namespace vigil::alerting
