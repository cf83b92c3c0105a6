// Template::Render: walks the tree Template::Parse made, with Go text/template's meaning.

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "alerting/template.h"
#include "alerting/template_regex.h"
#include "alerting/template_syntax.h"
#include "alerting/template_value.h"

namespace vigil::alerting {
namespace {

using template_syntax::Command;
using template_syntax::Node;
using template_syntax::Operand;
using template_syntax::Pipeline;
using template_syntax::PrintValue;
using template_syntax::TemplateData;
using template_syntax::Value;

// A rendering stops with an error past these: ranges nested in ranges multiply.
constexpr std::size_t kMaxOutputBytes = 64 << 10;
constexpr std::size_t kMaxSteps = 100000;

struct RenderFailure {
  std::string message;
};

[[noreturn]] void Fail(const std::string& message) { throw RenderFailure{message}; }

// Go's truth of a value in if, with, and, or, not.
bool Truth(const Value& value) {
  switch (value.index()) {
    case 0: return false;
    case 1: return std::get<double>(value) != 0;
    case 2: return !std::get<std::string>(value).empty();
    case 3: return std::get<bool>(value);
    case 4: return !std::get<Labels>(value).empty();
    default: return true;
  }
}

// Numbers and texts that hold numbers, as Prometheus's humanize functions take them.
double ToNumber(const Value& value, const std::string& function) {
  if (const double* number = std::get_if<double>(&value)) return *number;
  if (const std::string* text = std::get_if<std::string>(&value)) {
    char* end = nullptr;
    const double parsed = std::strtod(text->c_str(), &end);
    if (!text->empty() && end == text->c_str() + text->size()) return parsed;
  }
  Fail(function + ": \"" + PrintValue(value) + "\" is not a number");
}

const std::string& ToText(const Value& value, const std::string& function) {
  if (const std::string* text = std::get_if<std::string>(&value)) return *text;
  Fail(function + ": expected a text, got \"" + PrintValue(value) + "\"");
}

// -1, 0 or 1; numbers with numbers, texts with texts, truths with truths (equality only).
int Compare(const Value& a, const Value& b, const std::string& function) {
  if (a.index() == b.index()) {
    if (const double* x = std::get_if<double>(&a)) {
      const double y = std::get<double>(b);
      return *x < y ? -1 : (*x > y ? 1 : 0);
    }
    if (const std::string* x = std::get_if<std::string>(&a))
      return x->compare(std::get<std::string>(b)) < 0 ? -1
                                                      : (*x == std::get<std::string>(b) ? 0 : 1);
    if (function == "eq" || function == "ne") {
      if (const bool* x = std::get_if<bool>(&a)) return *x == std::get<bool>(b) ? 0 : 1;
    }
  }
  Fail(function + ": cannot compare " + PrintValue(a) + " with " + PrintValue(b) +
       " (compare numbers with numbers, texts with texts: write 90.0 or \"90\")");
}

std::string HostOf(const std::string& host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    const std::size_t close = host_port.find(']');
    return close == std::string::npos ? host_port : host_port.substr(1, close - 1);
  }
  const std::size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || host_port.find(':') != colon) return host_port;
  return host_port.substr(0, colon);
}

class Renderer {
 public:
  Renderer(const Labels& labels, double value, const TemplateGlobals& globals)
      : labels_(labels), value_(value), globals_(globals) {}

  std::string Run(const std::vector<Node>& nodes) {
    Walk(nodes, TemplateData{});
    return std::move(out_);
  }

 private:
  void Walk(const std::vector<Node>& nodes, const Value& dot) {
    const std::size_t scope = variables_.size();
    for (const Node& node : nodes) {
      if (++steps_ > kMaxSteps) Fail("the template takes too many steps");
      switch (node.kind) {
        case Node::Kind::kText: Append(node.text); break;
        case Node::Kind::kAction: {
          Value result = Eval(node.pipeline, dot);
          if (node.pipeline.declared.empty()) Append(PrintValue(result));
          break;
        }
        case Node::Kind::kIf:
          Walk(Truth(Eval(node.pipeline, dot)) ? node.body : node.otherwise, dot);
          break;
        case Node::Kind::kWith: {
          Value result = Eval(node.pipeline, dot);
          if (Truth(result)) {
            Walk(node.body, result);
          } else {
            Walk(node.otherwise, dot);
          }
          break;
        }
        case Node::Kind::kRange: Range(node, dot); break;
      }
    }
    variables_.resize(scope);
  }

  // Over labels, in the order of their names; nil or no labels: the else branch.
  void Range(const Node& node, const Value& dot) {
    Pipeline pipeline = node.pipeline;
    pipeline.declared.clear();
    const Value over = Eval(pipeline, dot);
    const Labels* labels = std::get_if<Labels>(&over);
    if (labels == nullptr && over.index() != 0) {
      Fail("range: cannot range over \"" + PrintValue(over) + "\" (only over labels)");
    }
    if (labels == nullptr || labels->empty()) {
      Walk(node.otherwise, dot);
      return;
    }
    for (const Label& label : *labels) {
      const std::size_t scope = variables_.size();
      const std::vector<std::string>& declared = node.pipeline.declared;
      if (declared.size() == 1) variables_.emplace_back(declared[0], label.value);
      if (declared.size() == 2) {
        variables_.emplace_back(declared[0], label.name);
        variables_.emplace_back(declared[1], label.value);
      }
      Walk(node.body, label.value);
      variables_.resize(scope);
    }
  }

  void Append(const std::string& text) {
    out_ += text;
    if (out_.size() > kMaxOutputBytes) Fail("the text would be longer than 64 KiB");
  }

  Value Eval(const Pipeline& pipeline, const Value& dot) {
    std::optional<Value> result;
    for (const Command& command : pipeline.commands) result = Call(command, dot, std::move(result));
    Value value = result ? std::move(*result) : Value{};
    if (!pipeline.declared.empty()) variables_.emplace_back(pipeline.declared[0], value);
    return value;
  }

  Value Call(const Command& command, const Value& dot, std::optional<Value> piped) {
    if (command.function.empty()) return Resolve(command.args[0], dot);
    const std::string& f = command.function;
    // and / or stop at the first argument that decides, as Go's do.
    if (f == "and" || f == "or") {
      Value last;
      for (std::size_t i = 0; i < command.args.size() + (piped ? 1 : 0); ++i) {
        last = i < command.args.size() ? Resolve(command.args[i], dot) : *piped;
        if (Truth(last) != (f == "and")) return last;
      }
      return last;
    }
    std::vector<Value> args;
    args.reserve(command.args.size() + 1);
    for (const Operand& operand : command.args) args.push_back(Resolve(operand, dot));
    if (piped) args.push_back(std::move(*piped));
    return Apply(f, args);
  }

  static Value Apply(const std::string& f, const std::vector<Value>& args) {
    if (f == "not") return !Truth(args[0]);
    if (f == "eq") {
      return std::any_of(args.begin() + 1, args.end(),
                         [&](const Value& other) { return Compare(args[0], other, f) == 0; });
    }
    if (f == "ne") return Compare(args[0], args[1], f) != 0;
    if (f == "lt") return Compare(args[0], args[1], f) < 0;
    if (f == "le") return Compare(args[0], args[1], f) <= 0;
    if (f == "gt") return Compare(args[0], args[1], f) > 0;
    if (f == "ge") return Compare(args[0], args[1], f) >= 0;
    if (f == "len") {
      if (const Labels* labels = std::get_if<Labels>(&args[0])) return double(labels->size());
      return static_cast<double>(ToText(args[0], f).size());
    }
    if (f == "index") {
      const Labels* labels = std::get_if<Labels>(&args[0]);
      if (labels == nullptr) Fail("index: \"" + PrintValue(args[0]) + "\" is not a map of labels");
      return std::string(LabelValue(*labels, ToText(args[1], f)));
    }
    if (f == "print") {
      std::string out;
      for (std::size_t i = 0; i < args.size(); ++i) {
        // fmt.Sprint puts a space between two operands when neither is a text.
        if (i > 0 && args[i].index() != 2 && args[i - 1].index() != 2) out += ' ';
        out += PrintValue(args[i]);
      }
      return out;
    }
    if (f == "printf") {
      return template_syntax::GoPrintf(ToText(args[0], f), {args.begin() + 1, args.end()});
    }
    if (f == "humanize") return HumanizeValue(ToNumber(args[0], f));
    if (f == "humanize1024") return Humanize1024(ToNumber(args[0], f));
    if (f == "humanizePercentage") return HumanizePercentage(ToNumber(args[0], f));
    if (f == "humanizeDuration") return HumanizeDuration(ToNumber(args[0], f));
    if (f == "humanizeTimestamp") return template_syntax::HumanizeTimestamp(ToNumber(args[0], f));
    if (f == "toUpper" || f == "toLower" || f == "title") return ChangeCase(f, args[0]);
    if (f == "reReplaceAll") {
      auto replaced = ReplaceAllMatches(ToText(args[0], f), ToText(args[1], f), ToText(args[2], f));
      if (!replaced) Fail("reReplaceAll: " + replaced.error().message);
      return *replaced;
    }
    if (f == "match") {
      auto matched = MatchesAnywhere(ToText(args[0], f), ToText(args[1], f));
      if (!matched) Fail("match: " + matched.error().message);
      return *matched;
    }
    if (f == "stripPort") return HostOf(ToText(args[0], f));
    if (f == "stripDomain") return StripDomain(ToText(args[0], f));
    if (f == "safeHtml") return ToText(args[0], f);
    Fail("unknown function " + f);
  }

  static std::string ChangeCase(const std::string& f, const Value& value) {
    std::string out = ToText(value, f);
    bool start = true;
    for (char& c : out) {
      const auto byte = static_cast<unsigned char>(c);
      if (f == "toUpper" || (f == "title" && start)) c = static_cast<char>(std::toupper(byte));
      if (f == "toLower") c = static_cast<char>(std::tolower(byte));
      start = !std::isalnum(byte) && c != '\'';
    }
    return out;
  }

  // Prometheus's stripDomain: "web-01.example.com:9100" → "web-01:9100"; addresses stay.
  static std::string StripDomain(const std::string& host_port) {
    const std::string host = HostOf(host_port);
    if (host.find(':') != std::string::npos || std::all_of(host.begin(), host.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
        })) {
      return host_port;
    }
    const std::string port = host_port.substr(host.size());
    const std::size_t dot = host.find('.');
    return (dot == std::string::npos ? host : host.substr(0, dot)) + port;
  }

  Value Resolve(const Operand& operand, const Value& dot) {
    Value value;
    switch (operand.kind) {
      case Operand::Kind::kString: return operand.text;
      case Operand::Kind::kNumber: return operand.number;
      case Operand::Kind::kBool: return operand.boolean;
      case Operand::Kind::kNil: return Value{};
      case Operand::Kind::kPipeline: {
        // Variables declared inside parentheses do not outlive them.
        const std::size_t scope = variables_.size();
        value = Eval(*operand.pipeline, dot);
        variables_.resize(scope);
        break;
      }
      case Operand::Kind::kDot: value = dot; break;
      case Operand::Kind::kVariable: value = Variable(operand.name); break;
    }
    for (const std::string& field : operand.fields) value = Field(value, field);
    return value;
  }

  Value Variable(const std::string& name) const {
    for (auto it = variables_.rbegin(); it != variables_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    if (name == "$") return TemplateData{};
    if (name == "$labels") return labels_;
    if (name == "$value") return value_;
    if (name == "$externalLabels") return globals_.external_labels;
    if (name == "$externalURL") return globals_.external_url;
    Fail("undefined variable " + name);
  }

  Value Field(const Value& value, const std::string& field) const {
    if (std::holds_alternative<TemplateData>(value)) {
      if (field == "Labels") return labels_;
      if (field == "Value") return value_;
      if (field == "ExternalLabels") return globals_.external_labels;
      if (field == "ExternalURL") return globals_.external_url;
      Fail("the data has no field " + field);
    }
    // A missing label is empty, as Go gives for a map of texts.
    if (const Labels* labels = std::get_if<Labels>(&value))
      return std::string(LabelValue(*labels, field));
    Fail("cannot take the field " + field + " of \"" + PrintValue(value) + "\"");
  }

  const Labels& labels_;
  const double value_;
  const TemplateGlobals& globals_;
  std::vector<std::pair<std::string, Value>> variables_;
  std::string out_;
  std::size_t steps_ = 0;
};

}  // namespace

std::string Template::Render(const Labels& labels, double value) const {
  if (!nodes_) return source_;
  try {
    return Renderer(labels, value, *globals_).Run(*nodes_);
  } catch (const RenderFailure& failure) {
    return "<error expanding template: " + failure.message + ">";
  }
}

}  // namespace vigil::alerting
