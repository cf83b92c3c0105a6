#include "agent/security/sudoers.h"

#include <algorithm>
#include <map>
#include <set>

namespace vigil::agent {
namespace {

constexpr int kMaxDepth = 128;  // sudo's own include depth limit

const std::set<std::string> kTags = {"NOPASSWD",   "PASSWD",       "NOEXEC",    "EXEC",
                                     "SETENV",     "NOSETENV",     "LOG_INPUT", "NOLOG_INPUT",
                                     "LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL",      "NOMAIL",
                                     "FOLLOW",     "NOFOLLOW",     "INTERCEPT", "NOINTERCEPT"};

std::string Trim(const std::string& text) {
  const std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(Trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(Trim(current));
  return parts;
}

std::string Folder(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

struct Line {
  std::string text;
  int number;
};

// Joins continuation lines and drops comments (but not #include, #includedir).
std::vector<Line> LogicalLines(const std::string& text) {
  std::vector<Line> lines;
  std::string pending;
  int first = 0, number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    ++number;
    if (pending.empty()) first = number;
    const bool continued = !line.empty() && line.back() == '\\';
    if (continued) line.pop_back();
    pending += line + (continued ? " " : "");
    if (!continued) {
      std::string trimmed = Trim(pending);
      const bool directive = trimmed.rfind("#include", 0) == 0;
      if (!directive) {
        // A '#' starts a comment unless it is a uid ("#1000") inside a rule.
        for (std::size_t i = 0; i < trimmed.size(); ++i) {
          if (trimmed[i] == '#' && (i + 1 >= trimmed.size() ||
                                    !std::isdigit(static_cast<unsigned char>(trimmed[i + 1])))) {
            trimmed = Trim(trimmed.substr(0, i));
            break;
          }
        }
      }
      if (!trimmed.empty()) lines.push_back({trimmed, first});
      pending.clear();
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

class Scanner {
 public:
  Scanner(const SudoersFiles& files, SudoersScan& out) : files_(files), out_(out) {}

  void File(const std::string& path, const std::string& text, int depth) {
    stack_.push_back(path);
    for (const Line& line : LogicalLines(text)) Statement(path, line, depth);
    stack_.pop_back();
  }

  // Rules are judged once every alias is known (an alias may follow the rule that uses it).
  void Finish() {
    for (const Pending& rule : rules_) {
      if (rule.unconditional || GrantsAllWithoutPassword(rule.commands)) {
        out_.nopasswd_all.push_back(rule.grant);
      }
    }
  }

 private:
  struct Pending {
    SudoGrant grant;
    std::string commands;        // after "="
    bool unconditional = false;  // Defaults !authenticate
  };

  void Statement(const std::string& path, const Line& line, int depth) {
    const std::string& text = line.text;
    const auto word_end = text.find_first_of(" \t");
    const std::string first = text.substr(0, word_end);
    const std::string rest = word_end == std::string::npos ? "" : Trim(text.substr(word_end));
    const std::string where = path + ":" + std::to_string(line.number) + ": ";
    if ((first == "#include" || first == "@include" || first == "#includedir" ||
         first == "@includedir") &&
        rest.empty()) {
      out_.problems.push_back(where + first + " without a path");
      return;
    }
    if (first == "#include" || first == "@include") {
      Include(rest.front() == '/' ? rest : Folder(path) + "/" + rest, where, depth);
      return;
    }
    if (first == "#includedir" || first == "@includedir") {
      const std::string folder = rest.front() == '/' ? rest : Folder(path) + "/" + rest;
      for (const std::string& name : files_.list(folder)) {
        if (name.find('.') != std::string::npos || name.back() == '~') continue;
        Include(folder + "/" + name, where, depth);
      }
      return;
    }
    if (first == "Cmnd_Alias") {
      // Cmnd_Alias NAME = a, b : NAME2 = c
      std::size_t at = 0;
      const std::string body = rest;
      while (at < body.size()) {
        const std::size_t colon = body.find(':', at);
        const std::string one =
            body.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
        const std::size_t equals = one.find('=');
        if (equals != std::string::npos)
          aliases_[Trim(one.substr(0, equals))] = Trim(one.substr(equals + 1));
        if (colon == std::string::npos) break;
        at = colon + 1;
      }
      return;
    }
    if (first == "User_Alias" || first == "Runas_Alias" || first == "Host_Alias") return;
    if (first.rfind("Defaults", 0) == 0) {
      if (text.find("!authenticate") != std::string::npos) {
        rules_.push_back(
            {{first.size() > 9 ? first.substr(9) : "ALL", path, line.number, text}, "", true});
      }
      return;
    }
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos) return;
    // "users hosts = commands": the word before "=" is the host list.
    std::string before = Trim(text.substr(0, equals));
    const std::size_t last_space = before.find_last_of(" \t");
    const std::string users =
        last_space == std::string::npos ? before : Trim(before.substr(0, last_space));
    rules_.push_back({{users, path, line.number, text}, text.substr(equals + 1), false});
  }

  void Include(const std::string& path, const std::string& where, int depth) {
    if (depth + 1 > kMaxDepth || std::find(stack_.begin(), stack_.end(), path) != stack_.end()) {
      out_.problems.push_back(where + "include loop through " + path + ": not read again");
      return;
    }
    Result<std::string> text = files_.read(path);
    if (!text) {
      if (text.error().code != ErrorCode::kNotFound)
        out_.problems.push_back(where + text.error().message);
      return;
    }
    File(path, *text, depth + 1);
  }

  bool IsAll(const std::string& command, int depth = 0) const {
    if (command == "ALL") return true;
    auto alias = aliases_.find(command);
    if (alias == aliases_.end() || depth > 16) return false;
    for (const std::string& part : SplitCommas(alias->second)) {
      if (IsAll(part, depth + 1)) return true;
    }
    return false;
  }

  bool GrantsAllWithoutPassword(const std::string& commands) const {
    bool nopasswd = false;
    for (std::string entry : SplitCommas(commands)) {
      // A further "host = " section after ':' keeps the tags' state simple: read it too.
      if (const std::size_t equals = entry.find('='); equals != std::string::npos) {
        entry = Trim(entry.substr(equals + 1));
      }
      if (!entry.empty() && entry.front() == '(') {
        const std::size_t close = entry.find(')');
        entry = close == std::string::npos ? "" : Trim(entry.substr(close + 1));
      }
      for (;;) {
        const std::size_t colon = entry.find(':');
        if (colon == std::string::npos) break;
        const std::string tag = Trim(entry.substr(0, colon));
        if (kTags.count(tag) == 0) break;
        if (tag == "NOPASSWD") nopasswd = true;
        if (tag == "PASSWD") nopasswd = false;
        entry = Trim(entry.substr(colon + 1));
      }
      if (nopasswd && IsAll(entry)) return true;
    }
    return false;
  }

  const SudoersFiles& files_;
  SudoersScan& out_;
  std::vector<std::string> stack_;
  std::map<std::string, std::string> aliases_;
  std::vector<Pending> rules_;
};

}  // namespace

Result<SudoersScan> FindNopasswdGrants(const std::string& path, const SudoersFiles& files) {
  Result<std::string> text = files.read(path);
  if (!text) return text.error();
  SudoersScan scan;
  Scanner scanner(files, scan);
  scanner.File(path, *text, 0);
  scanner.Finish();
  return scan;
}

}  // namespace vigil::agent
