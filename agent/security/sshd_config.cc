#include "agent/security/sshd_config.h"

#include <algorithm>
#include <cctype>

namespace vigil::agent {
namespace {

constexpr int kMaxIncludeDepth = 16;  // sshd's READCONF_MAX_DEPTH

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Splits a line into words: whitespace separates, double quotes group; the keyword may be
// followed by "=" ("PermitRootLogin=yes").
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (i < line.size()) {
    while (i < line.size() && space(line[i])) ++i;
    if (i >= line.size()) break;
    if (words.size() == 1 && line[i] == '=') {  // "Keyword = value"
      ++i;
      continue;
    }
    std::string word;
    if (line[i] == '"') {
      ++i;
      while (i < line.size() && line[i] != '"') word += line[i++];
      ++i;
    } else {
      while (i < line.size() && !space(line[i])) {
        if (words.empty() && line[i] == '=') break;
        word += line[i++];
      }
    }
    words.push_back(word);
  }
  return words;
}

class Parser {
 public:
  Parser(const SshdFiles& files, SshdConfig& config) : files_(files), config_(config) {}

  void ParseFile(const std::string& path, const std::string& text, int depth) {
    stack_.push_back(path);
    // A Match block opened in this file ends with it.
    const int match_at_entry = current_match_;
    int number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      ++number;
      const std::size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      const std::vector<std::string> words = Words(line);
      if (words.empty()) continue;
      const std::string keyword = Lower(words[0]);
      if (keyword == "match") {
        std::string criteria;
        for (std::size_t i = 1; i < words.size(); ++i) {
          criteria += (criteria.empty() ? "" : " ") + words[i];
        }
        config_.matches.push_back({criteria, path, number, {}});
        current_match_ = static_cast<int>(config_.matches.size()) - 1;
      } else if (keyword == "include") {
        for (std::size_t i = 1; i < words.size(); ++i) Include(words[i], path, number, depth);
      } else if (words.size() >= 2) {
        auto& settings =
            current_match_ < 0 ? config_.global : config_.matches[current_match_].settings;
        settings.emplace(keyword, SshdSetting{words[1], path, number});  // the first one wins
      }
      if (end == text.size()) break;
    }
    current_match_ = match_at_entry;
    stack_.pop_back();
  }

 private:
  void Include(const std::string& pattern, const std::string& from, int line, int depth) {
    const std::string absolute = pattern.front() == '/' ? pattern : "/etc/ssh/" + pattern;
    const std::string where = from + ":" + std::to_string(line) + ": ";
    if (depth + 1 > kMaxIncludeDepth) {
      config_.problems.push_back(where + "Include nested deeper than 16: not read");
      return;
    }
    for (const std::string& path : files_.glob(absolute)) {
      if (std::find(stack_.begin(), stack_.end(), path) != stack_.end()) {
        config_.problems.push_back(where + "Include loop through " + path + ": not read again");
        continue;
      }
      Result<std::string> text = files_.read(path);
      if (!text) {
        config_.problems.push_back(where + text.error().message);
        continue;
      }
      ParseFile(path, *text, depth + 1);
    }
  }

  const SshdFiles& files_;
  SshdConfig& config_;
  std::vector<std::string> stack_;
  int current_match_ = -1;
};

}  // namespace

Result<SshdConfig> ParseSshdConfig(const std::string& path, const SshdFiles& files) {
  Result<std::string> text = files.read(path);
  if (!text) return text.error();
  SshdConfig config;
  Parser parser(files, config);
  parser.ParseFile(path, *text, 0);
  return config;
}

}  // namespace vigil::agent
