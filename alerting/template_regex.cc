#include "alerting/template_regex.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

namespace vigil::alerting {
namespace {

// Patterns come from rule files, but a template can build one from an alert's labels: bound the
// memory a compiled one may take.
constexpr int kMaxRegexMemory = 1 << 20;

Result<std::unique_ptr<re2::RE2>> Compile(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxRegexMemory);
  auto regex = std::make_unique<re2::RE2>(pattern, options);
  if (!regex->ok()) return MakeError(ErrorCode::kInvalidArgument, regex->error());
  return regex;
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Appends `replacement` with its $references expanded from `groups`.
void Expand(const re2::RE2& regex, const std::string& replacement,
            const std::vector<re2::StringPiece>& groups, std::string& out) {
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    if (replacement[i] != '$' || i + 1 >= replacement.size()) {
      out += replacement[i];
      continue;
    }
    if (replacement[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    std::size_t next = i + 1;
    if (replacement[next] == '{') {
      const std::size_t close = replacement.find('}', next);
      if (close == std::string::npos) {
        out += replacement[i];
        continue;
      }
      name = replacement.substr(next + 1, close - next - 1);
      next = close + 1;
    } else {
      while (next < replacement.size() && IsNameChar(replacement[next]))
        name += replacement[next++];
    }
    if (name.empty()) {
      out += replacement[i];
      continue;
    }
    i = next - 1;
    int index = -1;
    if (std::all_of(name.begin(), name.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      if (name.size() <= 3) index = std::stoi(name);
    } else if (auto found = regex.NamedCapturingGroups().find(name);
               found != regex.NamedCapturingGroups().end()) {
      index = found->second;
    }
    if (index >= 0 && static_cast<std::size_t>(index) < groups.size()) {
      out.append(groups[static_cast<std::size_t>(index)].data(),
                 groups[static_cast<std::size_t>(index)].size());
    }
  }
}

}  // namespace

std::string TemplateRegexError(const std::string& pattern) {
  auto regex = Compile(pattern);
  return regex ? std::string() : regex.error().message;
}

Result<std::string> ReplaceAllMatches(const std::string& pattern, const std::string& replacement,
                                      const std::string& text) {
  auto regex = Compile(pattern);
  if (!regex) return regex.error();
  std::vector<re2::StringPiece> groups(
      static_cast<std::size_t>((*regex)->NumberOfCapturingGroups()) + 1);
  std::string out;
  std::size_t pos = 0;
  std::size_t copied = 0;
  while (pos <= text.size() && (*regex)->Match(text, pos, text.size(), re2::RE2::UNANCHORED,
                                               groups.data(), static_cast<int>(groups.size()))) {
    const auto start = static_cast<std::size_t>(groups[0].data() - text.data());
    const std::size_t end = start + groups[0].size();
    out.append(text, copied, start - copied);
    Expand(**regex, replacement, groups, out);
    copied = end;
    // An empty match moves one character on, as Go's does.
    pos = end > start ? end : end + 1;
    if (end == start && end < text.size()) {
      out += text[end];
      copied = end + 1;
    }
  }
  if (copied < text.size()) out.append(text, copied, std::string::npos);
  return out;
}

Result<bool> MatchesAnywhere(const std::string& pattern, const std::string& text) {
  auto regex = Compile(pattern);
  if (!regex) return regex.error();
  return re2::RE2::PartialMatch(text, **regex);
}

}  // namespace vigil::alerting
