#pragma once
// A label matcher as in PromQL and Alertmanager: name, one of = != =~ !~, and a value. Regular
// expressions use RE2's syntax (Prometheus's) and are anchored at both ends, so `=~"web"` matches
// "web" and not "webserver". An absent label matches as the empty value.
//
// Thread-safe once made: the compiled expression is shared and immutable.

#include <memory>
#include <string>
#include <string_view>

#include "alerting/labels.h"
#include "common/result.h"

namespace re2 {
class RE2;
}

namespace vigil::alerting {

enum class MatchOp { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
std::string_view MatchOpText(MatchOp op);
// The operator spelt by `text`, or an error naming it.
Result<MatchOp> ParseMatchOp(std::string_view text);

// Longest regular expression a matcher accepts, and RE2's memory budget for one: a user's
// expression cannot make the collector compile or hold something huge.
inline constexpr std::size_t kMaxMatcherRegexBytes = 4096;

class LabelMatcher {
 public:
  // Error "bad_regex" naming the problem when op is a regex operator and value does not compile.
  static Result<LabelMatcher> Make(std::string name, MatchOp op, std::string value);

  const std::string& name() const { return name_; }
  MatchOp op() const { return op_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view label_value) const;
  bool Matches(const Labels& labels) const { return Matches(LabelValue(labels, name_)); }
  // `name="value"` with the value quoted and escaped as PromQL writes it.
  std::string ToString() const;

 private:
  LabelMatcher(std::string name, MatchOp op, std::string value, std::shared_ptr<const re2::RE2> re)
      : name_(std::move(name)), op_(op), value_(std::move(value)), regex_(std::move(re)) {}
  std::string name_;
  MatchOp op_;
  std::string value_;
  std::shared_ptr<const re2::RE2> regex_;  // set for the regex operators
};

// A matcher written as text, as in Alertmanager's configuration: NAME OP VALUE with OP one of
// = != =~ !~ and VALUE in double quotes (PromQL's escapes) or bare: customer="acme",
// severity=~"critical|high", team!=db. Error "bad_matcher" saying what is wrong.
Result<LabelMatcher> ParseMatcherText(std::string_view text);

// Quotes `text` as a PromQL double-quoted string.
std::string QuoteString(std::string_view text);

}  // namespace vigil::alerting
