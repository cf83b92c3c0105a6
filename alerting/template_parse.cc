// Template::Parse: Go text/template's syntax, as far as alert annotations use it
// (alerting/template.h), into the tree of alerting/template_syntax.h.

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>

#include "alerting/template.h"
#include "alerting/template_regex.h"
#include "alerting/template_syntax.h"

namespace vigil::alerting {
namespace {

using template_syntax::Command;
using template_syntax::Node;
using template_syntax::Operand;
using template_syntax::Pipeline;

// Deeper nesting than this is refused: nobody writes it, and it would recurse without bound.
constexpr int kMaxDepth = 32;

struct Token {
  enum class Kind {
    kIdentifier,
    kVariable,
    kField,
    kDot,
    kString,
    kNumber,
    kPipe,
    kLeft,
    kRight,
    kComma,
    kDeclare,
  };
  Kind kind;
  std::string text;
  std::size_t offset;
  bool adjacent;  // no space before it: `$labels.job` is one operand, `$labels .job` two
};

struct ParseFailure {
  std::size_t offset;
  std::string message;
};

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class TemplateParser {
 public:
  explicit TemplateParser(std::string_view text) : text_(text) {}

  std::vector<Node> Parse() {
    scopes_.push_back({"$", "$labels", "$value", "$externalLabels", "$externalURL"});
    std::string terminator;
    std::vector<Node> nodes = ParseList(terminator, 0);
    if (!terminator.empty())
      Fail(last_action_, "{{ " + terminator + " }} without a block to close");
    return nodes;
  }

 private:
  struct Item {
    enum class Kind { kText, kAction, kEnd } kind;
    std::string text;
    std::vector<Token> tokens;
    std::size_t offset;
  };

  [[noreturn]] void Fail(std::size_t offset, const std::string& message) const {
    throw ParseFailure{offset, message};
  }

  // The next text run or action; `trim_next_` says whether the last action ended with -}}.
  Item NextItem() {
    if (pending_) {
      Item item = std::move(*pending_);
      pending_.reset();
      return item;
    }
    if (pos_ >= text_.size()) return {Item::Kind::kEnd, {}, {}, pos_};
    const std::size_t open = text_.find("{{", pos_);
    std::size_t start = pos_;
    if (trim_next_) {
      while (start < text_.size() && start != open && IsSpace(text_[start])) ++start;
      trim_next_ = false;
    }
    const std::size_t end = open == std::string_view::npos ? text_.size() : open;
    std::string text(text_.substr(start, end - start));
    if (open != std::string_view::npos && open + 3 < text_.size() && text_[open + 2] == '-' &&
        IsSpace(text_[open + 3])) {
      while (!text.empty() && IsSpace(text.back())) text.pop_back();
    }
    if (open == std::string_view::npos) {
      pos_ = text_.size();
      return {Item::Kind::kText, std::move(text), {}, start};
    }
    Item action = LexAction(open);
    if (text.empty()) return action;
    pending_ = std::move(action);
    return {Item::Kind::kText, std::move(text), {}, start};
  }

  Item LexAction(std::size_t open) {
    Item item{Item::Kind::kAction, {}, {}, open};
    last_action_ = open;
    std::size_t pos = open + 2;
    if (pos + 1 < text_.size() && text_[pos] == '-' && IsSpace(text_[pos + 1])) pos += 2;
    while (pos < text_.size() && IsSpace(text_[pos])) ++pos;
    if (text_.compare(pos, 2, "/*") == 0) {
      const std::size_t close = text_.find("*/", pos + 2);
      if (close == std::string_view::npos) Fail(pos, "the comment is not closed by \"*/\"");
      pos = close + 2;
      while (pos < text_.size() && IsSpace(text_[pos])) ++pos;
      if (text_.compare(pos, 1, "-") == 0) {
        trim_next_ = true;
        ++pos;
      }
      if (text_.compare(pos, 2, "}}") != 0) Fail(pos, "a comment must end the action");
      pos_ = pos + 2;
      item.kind = Item::Kind::kText;  // renders as nothing
      return item;
    }
    bool space_before = true;
    while (true) {
      if (pos >= text_.size()) Fail(open, "\"{{\" is not closed by \"}}\"");
      const char c = text_[pos];
      if (IsSpace(c)) {
        ++pos;
        space_before = true;
        continue;
      }
      if (text_.compare(pos, 2, "}}") == 0) {
        pos_ = pos + 2;
        return item;
      }
      if (c == '-' && space_before && text_.compare(pos + 1, 2, "}}") == 0) {
        trim_next_ = true;
        pos_ = pos + 3;
        return item;
      }
      item.tokens.push_back(LexToken(pos, !space_before));
      space_before = false;
    }
  }

  Token LexToken(std::size_t& pos, bool adjacent) {
    const std::size_t start = pos;
    const char c = text_[pos];
    const auto token = [&](Token::Kind kind, std::size_t length) {
      pos = start + length;
      return Token{kind, std::string(text_.substr(start, length)), start, adjacent};
    };
    const auto word_end = [&](std::size_t from) {
      while (from < text_.size() && IsWordChar(text_[from])) ++from;
      return from;
    };
    switch (c) {
      case '|': return token(Token::Kind::kPipe, 1);
      case '(': return token(Token::Kind::kLeft, 1);
      case ')': return token(Token::Kind::kRight, 1);
      case ',': return token(Token::Kind::kComma, 1);
      case ':':
        if (text_.compare(pos, 2, ":=") == 0) return token(Token::Kind::kDeclare, 2);
        Fail(pos, "unexpected \":\"; a variable is declared with \":=\"");
      case '$': return token(Token::Kind::kVariable, word_end(pos + 1) - start);
      case '.':
        if (pos + 1 < text_.size() && IsWordChar(text_[pos + 1]) &&
            !std::isdigit(static_cast<unsigned char>(text_[pos + 1]))) {
          return token(Token::Kind::kField, word_end(pos + 1) - start);
        }
        if (pos + 1 >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos + 1]))) {
          return token(Token::Kind::kDot, 1);
        }
        break;
      case '"':
      case '`': return LexString(pos);
      default: break;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
        ((c == '-' || c == '+') && pos + 1 < text_.size() &&
         (std::isdigit(static_cast<unsigned char>(text_[pos + 1])) || text_[pos + 1] == '.'))) {
      std::size_t end = pos + 1;
      while (end < text_.size() && (IsWordChar(text_[end]) || text_[end] == '.' ||
                                    ((text_[end] == '-' || text_[end] == '+') &&
                                     (text_[end - 1] == 'e' || text_[end - 1] == 'E')))) {
        ++end;
      }
      return token(Token::Kind::kNumber, end - start);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      return token(Token::Kind::kIdentifier, word_end(pos) - start);
    }
    Fail(pos, std::string("unexpected \"") + c + "\" in an action");
  }

  // A double-quoted string with Go's escapes, or a back-quoted raw one; the token's text is the
  // value.
  Token LexString(std::size_t& pos) {
    const std::size_t start = pos;
    const char quote = text_[pos++];
    std::string value;
    while (true) {
      if (pos >= text_.size() || (quote == '"' && text_[pos] == '\n')) {
        Fail(start, "the string is not closed");
      }
      const char c = text_[pos++];
      if (c == quote) break;
      if (c != '\\' || quote == '`') {
        value += c;
        continue;
      }
      if (pos >= text_.size()) Fail(start, "the string is not closed");
      const char escaped = text_[pos++];
      switch (escaped) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case '\\':
        case '"': value += escaped; break;
        default: Fail(pos - 2, std::string("unknown escape \"\\") + escaped + "\" in a string");
      }
    }
    return {Token::Kind::kString, std::move(value), start, false};
  }

  // Nodes up to {{ end }} or {{ else ... }} (its word in `terminator`, and an `else if`'s
  // pipeline in `else_if`) or the end of the text (`terminator` empty).
  std::vector<Node> ParseList(std::string& terminator, int depth,
                              std::vector<Token>* else_tokens = nullptr) {
    if (depth > kMaxDepth) Fail(last_action_, "blocks nested too deeply");
    std::vector<Node> nodes;
    while (true) {
      Item item = NextItem();
      if (item.kind == Item::Kind::kEnd) {
        terminator.clear();
        return nodes;
      }
      if (item.kind == Item::Kind::kText) {
        if (!item.text.empty())
          nodes.push_back({Node::Kind::kText, std::move(item.text), {}, {}, {}});
        continue;
      }
      if (item.tokens.empty()) Fail(item.offset, "an empty action");
      const Token& first = item.tokens.front();
      const std::string keyword = first.kind == Token::Kind::kIdentifier ? first.text : "";
      if (keyword == "end" || keyword == "else") {
        if (keyword == "end" && item.tokens.size() > 1) {
          Fail(item.tokens[1].offset, "{{ end }} takes nothing after it");
        }
        if (else_tokens != nullptr) else_tokens->assign(item.tokens.begin() + 1, item.tokens.end());
        terminator = keyword;
        last_action_ = item.offset;
        return nodes;
      }
      if (keyword == "if" || keyword == "with" || keyword == "range") {
        nodes.push_back(ParseBlock(keyword, item, depth));
      } else if (keyword == "define" || keyword == "template" || keyword == "block" ||
                 keyword == "break" || keyword == "continue") {
        Fail(first.offset, "{{ " + keyword + " }} is not available in alert templates");
      } else {
        Node node{Node::Kind::kAction, {}, {}, {}, {}};
        node.pipeline = ParsePipeline(item.tokens, 0, item.tokens.size(), true, depth);
        nodes.push_back(std::move(node));
      }
    }
  }

  Node ParseBlock(const std::string& keyword, const Item& item, int depth) {
    Node node;
    node.kind = keyword == "if"     ? Node::Kind::kIf
                : keyword == "with" ? Node::Kind::kWith
                                    : Node::Kind::kRange;
    if (item.tokens.size() < 2) Fail(item.offset, "{{ " + keyword + " }} needs a pipeline");
    scopes_.emplace_back();
    node.pipeline = ParsePipeline(item.tokens, 1, item.tokens.size(), keyword == "range", depth);
    std::string terminator;
    std::vector<Token> else_tokens;
    node.body = ParseList(terminator, depth + 1, &else_tokens);
    scopes_.pop_back();
    if (terminator.empty()) Fail(item.offset, "{{ " + keyword + " }} is not closed by {{ end }}");
    if (terminator == "else") {
      if (!else_tokens.empty()) {
        // {{ else if X }}: an if in the else branch that shares this block's {{ end }}.
        if (else_tokens.front().text != "if" || node.kind != Node::Kind::kIf) {
          Fail(else_tokens.front().offset, "only \"if\" may follow \"else\" here");
        }
        Item nested{Item::Kind::kAction, {}, std::move(else_tokens), last_action_};
        node.otherwise.push_back(ParseBlock("if", nested, depth + 1));
        return node;
      }
      scopes_.emplace_back();
      node.otherwise = ParseList(terminator, depth + 1);
      scopes_.pop_back();
      if (terminator != "end") Fail(item.offset, "{{ else }} is not closed by {{ end }}");
    }
    return node;
  }

  // tokens[from, to): [$a[, $b] :=] command | command ...
  Pipeline ParsePipeline(const std::vector<Token>& tokens, std::size_t from, std::size_t to,
                         bool may_declare, int depth) {
    if (depth > kMaxDepth) Fail(tokens[from].offset, "nested too deeply");
    Pipeline pipeline;
    pipeline.offset = from < to ? tokens[from].offset : last_action_;
    const auto declare_at =
        std::find_if(tokens.begin() + static_cast<std::ptrdiff_t>(from),
                     tokens.begin() + static_cast<std::ptrdiff_t>(to),
                     [](const Token& t) { return t.kind == Token::Kind::kDeclare; });
    if (declare_at != tokens.begin() + static_cast<std::ptrdiff_t>(to)) {
      const auto at = static_cast<std::size_t>(declare_at - tokens.begin());
      if (!may_declare) Fail(declare_at->offset, "a variable cannot be declared here");
      for (std::size_t i = from; i < at; ++i) {
        const bool comma = (i - from) % 2 == 1;
        if (comma ? tokens[i].kind != Token::Kind::kComma
                  : tokens[i].kind != Token::Kind::kVariable || tokens[i].text == "$") {
          Fail(tokens[i].offset,
               "expected a variable to declare, found \"" + tokens[i].text + "\"");
        }
        if (!comma) pipeline.declared.push_back(tokens[i].text);
      }
      if (pipeline.declared.empty() || pipeline.declared.size() > 2 || (at - from) % 2 == 0) {
        Fail(declare_at->offset, "declare one variable, or two in a range");
      }
      from = at + 1;
    }
    if (from >= to) Fail(pipeline.offset, "missing a value");
    std::size_t start = from;
    int parens = 0;
    for (std::size_t i = from; i <= to; ++i) {
      if (i < to && tokens[i].kind == Token::Kind::kLeft) ++parens;
      if (i < to && tokens[i].kind == Token::Kind::kRight) --parens;
      if (i < to && (parens > 0 || tokens[i].kind != Token::Kind::kPipe)) continue;
      if (start == i) Fail(i < to ? tokens[i].offset : tokens[i - 1].offset, "an empty command");
      pipeline.commands.push_back(
          ParseCommand(tokens, start, i, !pipeline.commands.empty(), depth));
      start = i + 1;
    }
    // Declared after the pipeline is read: `$x := $x` reads the $x from before.
    for (const std::string& name : pipeline.declared) scopes_.back().insert(name);
    return pipeline;
  }

  Command ParseCommand(const std::vector<Token>& tokens, std::size_t from, std::size_t to,
                       bool piped, int depth) {
    Command command;
    command.offset = tokens[from].offset;
    std::size_t i = from;
    if (tokens[i].kind == Token::Kind::kIdentifier && tokens[i].text != "true" &&
        tokens[i].text != "false" && tokens[i].text != "nil") {
      command.function = tokens[i].text;
      ++i;
    }
    while (i < to) command.args.push_back(ParseOperand(tokens, i, to, depth));
    if (command.function.empty()) {
      if (piped) Fail(command.offset, "only a function can take a piped value");
      if (command.args.size() != 1) {
        Fail(command.args[1].offset, "\"" + tokens[from].text + "\" is not a function");
      }
      return command;
    }
    const auto* arity = std::find_if(
        std::begin(template_syntax::kFunctions), std::end(template_syntax::kFunctions),
        [&](const template_syntax::FunctionArity& f) { return command.function == f.name; });
    if (arity == std::end(template_syntax::kFunctions)) {
      Fail(command.offset, "unknown function \"" + command.function +
                               "\" (alert templates have Go's and Prometheus's, without those "
                               "that query: docs/rules.md)");
    }
    const int count = static_cast<int>(command.args.size()) + (piped ? 1 : 0);
    if (count < arity->min || (arity->max >= 0 && count > arity->max)) {
      Fail(command.offset, command.function + " takes " + std::to_string(arity->min) +
                               (arity->max == arity->min ? ""
                                : arity->max < 0         ? " or more"
                                                         : " to " + std::to_string(arity->max)) +
                               " arguments, not " + std::to_string(count));
    }
    CheckRegex(command, piped);
    return command;
  }

  // A regular expression written as a literal is compiled now, so that a mistake is reported
  // when the rules load.
  void CheckRegex(const Command& command, bool piped) const {
    if (command.function != "reReplaceAll" && command.function != "match") return;
    if (command.args.empty() || (piped && command.function == "match" && command.args.size() < 1)) {
      return;
    }
    const Operand& pattern = command.args.front();
    if (pattern.kind != Operand::Kind::kString) return;
    if (std::string error = TemplateRegexError(pattern.text); !error.empty()) {
      Fail(pattern.offset, "invalid regular expression: " + error);
    }
  }

  Operand ParseOperand(const std::vector<Token>& tokens, std::size_t& i, std::size_t to,
                       int depth) {
    const Token& token = tokens[i++];
    Operand operand;
    operand.offset = token.offset;
    switch (token.kind) {
      case Token::Kind::kVariable:
        operand.kind = Operand::Kind::kVariable;
        operand.name = token.text;
        if (!Declared(token.text)) Fail(token.offset, "undefined variable \"" + token.text + "\"");
        break;
      case Token::Kind::kDot: operand.kind = Operand::Kind::kDot; break;
      case Token::Kind::kField:
        operand.kind = Operand::Kind::kDot;
        operand.fields.push_back(token.text.substr(1));
        break;
      case Token::Kind::kString:
        operand.kind = Operand::Kind::kString;
        operand.text = token.text;
        return operand;
      case Token::Kind::kNumber: {
        operand.kind = Operand::Kind::kNumber;
        char* end = nullptr;
        operand.number = std::strtod(token.text.c_str(), &end);
        if (end != token.text.c_str() + token.text.size()) {
          Fail(token.offset, "\"" + token.text + "\" is not a number");
        }
        return operand;
      }
      case Token::Kind::kIdentifier:
        if (token.text == "true" || token.text == "false") {
          operand.kind = Operand::Kind::kBool;
          operand.boolean = token.text == "true";
          return operand;
        }
        if (token.text == "nil") {
          operand.kind = Operand::Kind::kNil;
          return operand;
        }
        Fail(token.offset,
             "a function (\"" + token.text + "\") as an argument must be in parentheses");
      case Token::Kind::kLeft: {
        std::size_t close = i;
        for (int parens = 1; close < to; ++close) {
          if (tokens[close].kind == Token::Kind::kLeft) ++parens;
          if (tokens[close].kind == Token::Kind::kRight && --parens == 0) break;
        }
        if (close >= to) Fail(token.offset, "\"(\" is not closed by \")\"");
        operand.kind = Operand::Kind::kPipeline;
        operand.pipeline =
            std::make_shared<Pipeline>(ParsePipeline(tokens, i, close, false, depth + 1));
        i = close + 1;
        break;
      }
      default: Fail(token.offset, "unexpected \"" + token.text + "\"");
    }
    while (i < to && tokens[i].kind == Token::Kind::kField && tokens[i].adjacent) {
      operand.fields.push_back(tokens[i++].text.substr(1));
    }
    CheckRootFields(operand);
    return operand;
  }

  // Fields of the data that do not exist are a mistake (.Labels, .Value, .ExternalLabels,
  // .ExternalURL), as are fields of a number or a text.
  void CheckRootFields(const Operand& operand) const {
    if (operand.fields.empty()) return;
    const bool root =
        operand.name == "$" || (operand.kind == Operand::Kind::kDot && scopes_.size() == 1);
    if (root) {
      static const std::set<std::string> kRootFields = {"Labels", "Value", "ExternalLabels",
                                                        "ExternalURL"};
      if (!kRootFields.count(operand.fields[0])) {
        Fail(operand.offset, "the data has no field \"" + operand.fields[0] +
                                 "\" (it has .Labels, .Value, .ExternalLabels and .ExternalURL)");
      }
    }
    if (operand.name == "$value" || operand.name == "$externalURL") {
      Fail(operand.offset, operand.name + " has no fields");
    }
  }

  bool Declared(const std::string& name) const {
    return std::any_of(scopes_.begin(), scopes_.end(),
                       [&](const std::set<std::string>& scope) { return scope.count(name) > 0; });
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  bool trim_next_ = false;
  std::optional<Item> pending_;
  std::size_t last_action_ = 0;
  std::vector<std::set<std::string>> scopes_;
};

}  // namespace

Result<Template> Template::Parse(std::string_view text, std::size_t* error_offset,
                                 std::shared_ptr<const TemplateGlobals> globals) {
  Template out;
  out.source_ = std::string(text);
  out.globals_ = globals ? std::move(globals) : std::make_shared<const TemplateGlobals>();
  try {
    out.nodes_ = std::make_shared<const std::vector<Node>>(TemplateParser(text).Parse());
  } catch (const ParseFailure& failure) {
    if (error_offset != nullptr) *error_offset = failure.offset;
    return MakeError(ErrorCode::kInvalidArgument,
                     failure.message + " (at offset " + std::to_string(failure.offset) + ")");
  }
  return out;
}

}  // namespace vigil::alerting
