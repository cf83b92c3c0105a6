#pragma once
// Reading a YAML configuration into typed values while collecting every problem with its location.
// This is the only header of config/ that includes yaml-cpp; the agent and collector configs use it
// from their .cc files.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.h"
#include "config/diagnostic.h"

namespace vigil::config {

// Limits on what a configuration file may be; files beyond them are refused before YAML parsing,
// so a hostile file cannot exhaust memory or the parser's stack.
inline constexpr std::size_t kMaxConfigFileBytes = 1 << 20;
inline constexpr int kMaxConfigDepth = 32;

// Reads the file and parses it. On failure returns nullopt and appends the problems (unreadable,
// too large, too deep, YAML syntax) to `problems`.
std::optional<YAML::Node> LoadYamlFile(const std::string& file, std::vector<Diagnostic>& problems);

// Same for text already in memory; `file` names it in diagnostics.
std::optional<YAML::Node> ParseYamlText(std::string_view text, const std::string& file,
                                        std::vector<Diagnostic>& problems);

// A conservative nesting depth of YAML text: block indentation levels plus flow brackets.
int EstimateYamlDepth(std::string_view text);

// `file` made absolute and normal, for messages and reloads that outlive the working directory.
std::string AbsolutePath(const std::string& file);

// The closest of `candidates` to `word` within a small edit distance, or empty.
std::string SuggestKey(std::string_view word, const std::vector<std::string>& candidates);

// A position in the document being read. Cheap to copy; refers to the shared problem list.
class Field {
 public:
  Field(YAML::Node node, std::string path, std::string file, std::vector<Diagnostic>* problems);

  bool Present() const { return node_.IsDefined() && !node_.IsNull(); }
  // True when the node or anything below it holds a non-empty scalar ("{a: [], b: {}}" does not).
  bool HasValues() const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  // Records a problem at this node (or at the parent's position when the node is missing).
  void Report(const std::string& message) const;
  // Records a problem at a position inside this node's text (1-based line and column).
  void ReportAt(int line, int column, const std::string& message) const;
  // Where this node starts in the file (or its closest ancestor, when it is absent).
  const YAML::Mark& mark() const { return mark_; }

  // Requires a mapping whose keys are all in `allowed`; reports each unknown key (with a
  // suggestion) and each duplicate. False when this is present but not a mapping.
  bool ExpectMap(std::initializer_list<std::string_view> allowed) const;
  bool ExpectKeys(const std::vector<std::string>& allowed) const;

  // The child at `key` (absent children are fine; readers then keep the default).
  Field operator[](std::string_view key) const;
  // The elements of a sequence; a scalar is accepted as a one-element list when allow_scalar.
  std::vector<Field> Elements(bool allow_scalar = false) const;
  // The entries of a mapping as (key, value) in document order.
  std::vector<std::pair<std::string, Field>> Entries() const;

  // Typed reads. Each leaves `out` untouched and reports a problem when the value is of the
  // wrong kind; absent values leave the default. Return true when a value was read.
  bool Read(std::string& out) const;
  bool Read(bool& out) const;
  bool Read(std::int64_t& out, std::int64_t min, std::int64_t max) const;
  bool ReadDuration(Duration& out, Duration min = Duration(1)) const;
  bool ReadSize(std::uint64_t& out, std::uint64_t min = 1) const;
  // A file path; relative paths are made relative to the configuration file's folder.
  bool ReadPath(std::string& out) const;
  // A severity's name (common/severity.h); another text is reported and leaves `out` as it was.
  bool ReadSeverity(std::string& out) const;
  bool Read(std::vector<std::string>& out, bool allow_scalar) const;
  bool Read(std::map<std::string, std::string>& out) const;

  // Reports a problem when the field is absent or empty.
  void Require() const;

 private:
  void ReportAt(const YAML::Mark& mark, const std::string& path, const std::string& message) const;
  std::optional<std::string> Scalar() const;

  YAML::Node node_;
  YAML::Mark mark_;  // this node's position, or the closest ancestor's when it is absent
  std::string path_;
  std::string file_;
  std::vector<Diagnostic>* problems_;
};

// The root Field of a loaded document.
Field RootField(const YAML::Node& root, const std::string& file, std::vector<Diagnostic>& problems);

// Reads a parsed document (if parsing succeeded) into a T with `read`, which reports through the
// Field; collects the problems in file order. T must have a `source_file` member.
template <typename T>
Loaded<T> ReadDocument(const std::optional<YAML::Node>& document, const std::string& file,
                       std::vector<Diagnostic> problems, void (*read)(const Field&, T&)) {
  Loaded<T> loaded;
  if (document) {
    loaded.config.source_file = AbsolutePath(file);
    read(RootField(*document, file, problems), loaded.config);
  }
  SortByPosition(problems);
  loaded.problems = std::move(problems);
  return loaded;
}

}  // namespace vigil::config
