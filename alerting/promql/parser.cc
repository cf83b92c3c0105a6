#include "alerting/promql/parser.h"

#include <algorithm>
#include <optional>

#include "alerting/promql/functions.h"
#include "alerting/promql/lexer.h"

namespace vigil::alerting::promql {
namespace {

// Binding strength, loosest first; a unary minus binds like *.
enum Precedence { kOr = 1, kAndUnless, kComparison, kAdditive, kMultiplicative, kPower };

struct OperatorInfo {
  BinaryOp op;
  int precedence;
};

std::optional<OperatorInfo> BinaryOperatorOf(const Token& token) {
  struct Entry {
    std::string_view text;
    OperatorInfo info;
  };
  static constexpr Entry kOperators[] = {
      {"+", {BinaryOp::kAdd, kAdditive}},
      {"-", {BinaryOp::kSub, kAdditive}},
      {"*", {BinaryOp::kMul, kMultiplicative}},
      {"/", {BinaryOp::kDiv, kMultiplicative}},
      {"%", {BinaryOp::kMod, kMultiplicative}},
      {"atan2", {BinaryOp::kAtan2, kMultiplicative}},
      {"^", {BinaryOp::kPow, kPower}},
      {"==", {BinaryOp::kEqual, kComparison}},
      {"!=", {BinaryOp::kNotEqual, kComparison}},
      {"<=", {BinaryOp::kLessEqual, kComparison}},
      {"<", {BinaryOp::kLess, kComparison}},
      {">=", {BinaryOp::kGreaterEqual, kComparison}},
      {">", {BinaryOp::kGreater, kComparison}},
      {"and", {BinaryOp::kAnd, kAndUnless}},
      {"unless", {BinaryOp::kUnless, kAndUnless}},
      {"or", {BinaryOp::kOr, kOr}},
  };
  if (token.kind != TokenKind::kOperator && token.kind != TokenKind::kName) return std::nullopt;
  const std::string text = token.kind == TokenKind::kName ? Lowercase(token.text) : token.text;
  for (const Entry& entry : kOperators) {
    if (entry.text == text) return entry.info;
  }
  return std::nullopt;
}

// "a scalar", "an instant vector", ...
std::string WithArticle(ValueType type) {
  return (type == ValueType::kVector ? "an " : "a ") + std::string(ValueTypeName(type));
}

bool IsSelector(const Node& node) {
  return node.kind == Node::Kind::kVectorSelector || node.kind == Node::Kind::kMatrixSelector;
}

NodePtr MakeNode(Node::Kind kind, std::size_t position, ValueType type) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  node->position = position;
  node->type = type;
  return node;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::variant<NodePtr, ParseError> Run() {
    NodePtr node = Expression(0);
    if (node && Peek().kind != TokenKind::kEnd) {
      Fail(Peek().offset, "unexpected " + Found(Peek()) + " after the expression");
      node = nullptr;
    }
    if (!node) return *error_;
    return node;
  }

 private:
  // Counts the nesting the recursion has reached, so deep input fails instead of the stack.
  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth_(++depth) {}
    ~DepthGuard() { --depth_; }
    int& depth_;
  };

  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  const Token& Take() {
    const Token& token = Peek();
    if (next_ < tokens_.size() - 1) ++next_;
    return token;
  }
  bool PeekName(std::string_view lower_name, std::size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kName && Lowercase(Peek(ahead).text) == lower_name;
  }

  // Records the first problem only; the parse then unwinds.
  std::nullptr_t Fail(std::size_t at, std::string message) {
    if (!error_) error_ = ParseError{at, std::move(message)};
    return nullptr;
  }
  static std::string Found(const Token& token) {
    switch (token.kind) {
      case TokenKind::kEnd: return "the end of the expression";
      case TokenKind::kString: return "the string " + QuoteString(token.text);
      case TokenKind::kNumber: return "a number";
      default: return "\"" + token.text + "\"";
    }
  }
  bool Expect(TokenKind kind, std::string_view what) {
    if (Peek().kind == kind) {
      Take();
      return true;
    }
    Fail(Peek().offset, "expected " + std::string(what) + ", found " + Found(Peek()));
    return false;
  }

  NodePtr Expression(int min_precedence) {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) {
      return Fail(Peek().offset, "the expression nests deeper than " + std::to_string(kMaxDepth));
    }
    NodePtr left = Unary();
    while (left) {
      const std::optional<OperatorInfo> info = BinaryOperatorOf(Peek());
      if (!info || info->precedence < min_precedence) break;
      auto node = MakeNode(Node::Kind::kBinary, Take().offset, ValueType::kVector);
      node->op = info->op;
      bool matching_written = false;
      if (!Modifiers(*node, matching_written)) return nullptr;
      // ^ binds to the right: 2 ^ 3 ^ 2 is 2 ^ (3 ^ 2).
      NodePtr right = Expression(info->op == BinaryOp::kPow ? kPower : info->precedence + 1);
      if (!right) return nullptr;
      node->args.push_back(std::move(left));
      node->args.push_back(std::move(right));
      if (!CheckBinary(*node, matching_written)) return nullptr;
      left = std::move(node);
    }
    return left;
  }

  NodePtr Unary() {
    const Token& sign = Peek();
    if (sign.kind != TokenKind::kOperator || (sign.text != "-" && sign.text != "+")) {
      return Postfix(Primary());
    }
    const std::size_t at = Take().offset;
    const bool minus = sign.text == "-";
    NodePtr operand = Expression(kPower);  // only ^ binds tighter than a sign
    if (!operand) return nullptr;
    if (operand->type != ValueType::kScalar && operand->type != ValueType::kVector) {
      return Fail(
          at, "a sign applies to a scalar or an instant vector, not " + WithArticle(operand->type));
    }
    if (!minus) return operand;
    if (operand->kind == Node::Kind::kNumber) {  // -1 is a number, as Prometheus reads it
      operand->number = -operand->number;
      operand->position = at;
      return operand;
    }
    auto node = MakeNode(Node::Kind::kUnary, at, operand->type);
    node->args.push_back(std::move(operand));
    return node;
  }

  NodePtr Primary() {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kNumber: {
        auto node = MakeNode(Node::Kind::kNumber, Take().offset, ValueType::kScalar);
        node->number = token.number;
        return node;
      }
      case TokenKind::kString: {
        auto node = MakeNode(Node::Kind::kString, Take().offset, ValueType::kString);
        node->text = token.text;
        return node;
      }
      case TokenKind::kLeftParen: {
        const std::size_t at = Take().offset;
        NodePtr inner = Expression(0);
        if (!inner || !Expect(TokenKind::kRightParen, "\")\"")) return nullptr;
        auto node = MakeNode(Node::Kind::kParen, at, inner->type);
        node->args.push_back(std::move(inner));
        return node;
      }
      case TokenKind::kLeftBrace: return Selector("", token.offset);
      case TokenKind::kName: return Named();
      default: return Fail(token.offset, "expected an expression, found " + Found(token));
    }
  }

  // A name starts an aggregation, a function call or a selector.
  NodePtr Named() {
    const Token& token = Peek();
    const std::string lower = Lowercase(token.text);
    const bool opens = Peek(1).kind == TokenKind::kLeftParen;
    if (ParseAggregateOp(lower) && (opens || PeekName("by", 1) || PeekName("without", 1))) {
      return Aggregate();
    }
    if (opens) return Call();
    if (IsKeyword(lower)) {
      return Fail(token.offset, "unexpected " + Found(token) + " where an expression belongs");
    }
    const std::size_t at = Take().offset;
    return Selector(token.text, at);
  }

  NodePtr Selector(std::string name, std::size_t at) {
    auto node = MakeNode(Node::Kind::kVectorSelector, at, ValueType::kVector);
    node->text = std::move(name);
    if (Peek().kind == TokenKind::kLeftBrace) {
      Take();
      if (!Matchers(*node)) return nullptr;
    }
    if (node->text.empty() &&
        std::none_of(node->matchers.begin(), node->matchers.end(),
                     [](const LabelMatcher& m) { return !m.Matches(std::string_view()); })) {
      return Fail(at,
                  "a selector needs a metric name or a matcher that does not match the "
                  "empty value");
    }
    return node;
  }

  bool Matchers(Node& node) {
    constexpr std::size_t kMaxMatchers = 64;
    while (Peek().kind != TokenKind::kRightBrace) {
      const Token& label = Peek();
      if (label.kind != TokenKind::kName || label.text.find(':') != std::string::npos) {
        Fail(label.offset, "expected a label name or \"}\", found " + Found(label));
        return false;
      }
      Take();
      const Token& op_token = Peek();
      Result<MatchOp> op = ParseMatchOp(op_token.kind == TokenKind::kOperator ? op_token.text : "");
      if (!op) {
        Fail(op_token.offset, "expected one of =, !=, =~, !~ after label " + label.text +
                                  ", found " + Found(op_token));
        return false;
      }
      Take();
      const Token& value = Peek();
      if (value.kind != TokenKind::kString) {
        Fail(value.offset, "expected a quoted string, found " + Found(value));
        return false;
      }
      Take();
      if (label.text == "__name__" && *op == MatchOp::kEqual) {
        if (!node.text.empty()) {
          Fail(label.offset, "the metric name is given twice");
          return false;
        }
        node.text = value.text;
      } else {
        if (node.matchers.size() == kMaxMatchers) {
          Fail(label.offset, "more than " + std::to_string(kMaxMatchers) + " matchers");
          return false;
        }
        Result<LabelMatcher> matcher = LabelMatcher::Make(label.text, *op, value.text);
        if (!matcher) {
          Fail(value.offset, matcher.error().message);
          return false;
        }
        node.matchers.push_back(std::move(*matcher));
      }
      if (Peek().kind == TokenKind::kComma) {
        Take();
      } else if (Peek().kind != TokenKind::kRightBrace) {
        Fail(Peek().offset, "expected \",\" or \"}\" after a matcher, found " + Found(Peek()));
        return false;
      }
    }
    Take();  // }
    return true;
  }

  std::optional<Duration> ReadDuration(std::string_view what) {
    const Token& token = Peek();
    std::optional<Duration> duration;
    if (token.kind == TokenKind::kDuration) {
      duration = ParseDurationText(token.text);
      if (!duration) {
        Fail(token.offset, "invalid " + std::string(what.substr(what.find(' ') + 1)) + " \"" +
                               token.text +
                               "\": write it like 5m or 1h30m (units ms, s, m, h, d, w, "
                               "y, largest first)");
        return std::nullopt;
      }
    }
    if (!duration) {
      Fail(token.offset,
           "expected " + std::string(what) + " such as 5m or 1h30m, found " + Found(token));
      return std::nullopt;
    }
    Take();
    return duration;
  }

  NodePtr Postfix(NodePtr node) {
    while (node) {
      const Token& token = Peek();
      if (token.kind == TokenKind::kLeftBracket) {
        node = Range(std::move(node));
      } else if (token.kind == TokenKind::kName && Lowercase(token.text) == "offset") {
        node = Offset(std::move(node));
      } else if (token.kind == TokenKind::kAt) {
        return Fail(token.offset,
                    "the @ modifier is not supported: a rule is evaluated when its batch arrives");
      } else {
        break;
      }
    }
    return node;
  }

  NodePtr Range(NodePtr node) {
    const std::size_t at = Take().offset;  // [
    std::optional<Duration> range = ReadDuration("a range");
    if (!range) return nullptr;
    if (Peek().kind == TokenKind::kColon) {
      return Fail(Peek().offset,
                  "subqueries are not supported; write the inner expression as a recording "
                  "rule and take the range of its series");
    }
    if (!Expect(TokenKind::kRightBracket, "\"]\" after the range")) return nullptr;
    if (node->kind != Node::Kind::kVectorSelector) {
      return Fail(at, "a range applies to a selector, not to " +
                          (node->kind == Node::Kind::kMatrixSelector
                               ? std::string("a range vector")
                               : WithArticle(node->type) + " expression"));
    }
    if (node->offset.count() != 0) return Fail(at, "the range goes before offset");
    if (range->count() <= 0) return Fail(at, "the range must be longer than 0s");
    node->kind = Node::Kind::kMatrixSelector;
    node->type = ValueType::kMatrix;
    node->range = *range;
    return node;
  }

  NodePtr Offset(NodePtr node) {
    const std::size_t at = Take().offset;
    const bool negative = Peek().kind == TokenKind::kOperator && Peek().text == "-";
    if (negative) Take();
    std::optional<Duration> offset = ReadDuration("a duration");
    if (!offset) return nullptr;
    if (!IsSelector(*node)) return Fail(at, "offset applies to a selector only");
    if (node->offset.count() != 0) return Fail(at, "offset is given twice");
    node->offset = negative ? -*offset : *offset;
    return node;
  }

  bool LabelList(std::vector<std::string>& labels) {
    if (!Expect(TokenKind::kLeftParen, "\"(\" and label names")) return false;
    while (Peek().kind != TokenKind::kRightParen) {
      const Token& label = Peek();
      if (label.kind != TokenKind::kName || label.text.find(':') != std::string::npos) {
        Fail(label.offset, "expected a label name or \")\", found " + Found(label));
        return false;
      }
      labels.push_back(Take().text);
      if (Peek().kind == TokenKind::kComma) {
        Take();
      } else if (Peek().kind != TokenKind::kRightParen) {
        Fail(Peek().offset, "expected \",\" or \")\" in a label list, found " + Found(Peek()));
        return false;
      }
    }
    Take();
    return true;
  }

  bool Grouping(Node& node) {
    node.without = Lowercase(Take().text) == "without";
    return LabelList(node.grouping);
  }

  NodePtr Aggregate() {
    const Token& name = Take();
    auto node = MakeNode(Node::Kind::kAggregate, name.offset, ValueType::kVector);
    node->aggregate = *ParseAggregateOp(Lowercase(name.text));
    bool grouped = false;
    if (PeekName("by") || PeekName("without")) {
      if (!Grouping(*node)) return nullptr;
      grouped = true;
    }
    if (!Expect(TokenKind::kLeftParen, "\"(\" after " + name.text)) return nullptr;
    const AggregateOp op = node->aggregate;
    const bool scalar_parameter =
        op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kQuantile;
    if (scalar_parameter || op == AggregateOp::kCountValues) {
      node->parameter = Expression(0);
      if (!node->parameter) return nullptr;
      const ValueType wanted = scalar_parameter ? ValueType::kScalar : ValueType::kString;
      if (node->parameter->type != wanted) {
        return Fail(node->parameter->position, name.text + " takes " + WithArticle(wanted) +
                                                   " parameter first, found " +
                                                   WithArticle(node->parameter->type));
      }
      if (!Expect(TokenKind::kComma, "\",\" after the parameter")) return nullptr;
    }
    NodePtr operand = Expression(0);
    if (!operand || !Expect(TokenKind::kRightParen, "\")\" to close " + name.text + "(")) {
      return nullptr;
    }
    if (operand->type != ValueType::kVector) {
      return Fail(operand->position,
                  name.text + " aggregates an instant vector, found " + WithArticle(operand->type));
    }
    node->args.push_back(std::move(operand));
    if (!grouped && (PeekName("by") || PeekName("without")) && !Grouping(*node)) return nullptr;
    return node;
  }

  NodePtr Call() {
    const Token& name = Take();
    const FunctionSignature* signature = FindFunction(name.text);
    if (signature == nullptr) {
      return Fail(name.offset, "unknown function \"" + name.text +
                                   "\" (docs/rules.md lists "
                                   "the functions Vigil evaluates)");
    }
    auto node = MakeNode(Node::Kind::kCall, name.offset, signature->result);
    node->text = name.text;
    Take();  // (
    while (Peek().kind != TokenKind::kRightParen) {
      NodePtr arg = Expression(0);
      if (!arg) return nullptr;
      node->args.push_back(std::move(arg));
      if (Peek().kind == TokenKind::kComma) {
        Take();
      } else if (Peek().kind != TokenKind::kRightParen) {
        return Fail(Peek().offset, "expected \",\" or \")\" in the arguments of " + name.text +
                                       ", found " + Found(Peek()));
      }
    }
    Take();
    return CheckArguments(std::move(node), *signature) ? std::move(node) : nullptr;
  }

  bool CheckArguments(const NodePtr& node, const FunctionSignature& signature) {
    const std::size_t given = node->args.size();
    const std::size_t least = signature.args.size() - signature.optional_args;
    if (given < least || (!signature.variadic && given > signature.args.size())) {
      Fail(node->position,
           std::string(signature.name) + " takes " +
               (least == signature.args.size() ? std::to_string(least)
                                               : std::to_string(least) + " or more") +
               " argument" + (signature.args.size() == 1 ? "" : "s") + ", given " +
               std::to_string(given));
      return false;
    }
    for (std::size_t i = 0; i < given; ++i) {
      const ValueType wanted = signature.args[std::min(i, signature.args.size() - 1)];
      if (node->args[i]->type != wanted) {
        Fail(node->args[i]->position,
             "argument " + std::to_string(i + 1) + " of " + std::string(signature.name) +
                 " must be " + WithArticle(wanted) + ", found " + WithArticle(node->args[i]->type));
        return false;
      }
    }
    return true;
  }

  // Reads bool, on()/ignoring() and group_left()/group_right(); `written` says whether on() or
  // ignoring() was.
  bool Modifiers(Node& node, bool& written) {
    if (PeekName("bool")) {
      if (!IsComparison(node.op)) {
        Fail(Peek().offset, "bool applies to comparisons only");
        return false;
      }
      Take();
      node.return_bool = true;
    }
    VectorMatching& matching = node.matching;
    if (PeekName("on") || PeekName("ignoring")) {
      matching.on = Lowercase(Take().text) == "on";
      if (!LabelList(matching.labels)) return false;
      written = true;
    }
    if (written && (PeekName("group_left") || PeekName("group_right"))) {
      const Token& group = Take();
      if (IsSetOperator(node.op)) {
        Fail(group.offset, "no grouping is allowed for \"" + std::string(BinaryOpText(node.op)) +
                               "\", which matches many to many");
        return false;
      }
      matching.cardinality = Lowercase(group.text) == "group_left"
                                 ? VectorMatching::Cardinality::kManyToOne
                                 : VectorMatching::Cardinality::kOneToMany;
      if (Peek().kind == TokenKind::kLeftParen && !LabelList(matching.include)) return false;
      for (const std::string& label : matching.include) {
        if (matching.on && std::count(matching.labels.begin(), matching.labels.end(), label)) {
          Fail(group.offset, "label \"" + label + "\" must not be both in on() and in " +
                                 Lowercase(group.text) + "()");
          return false;
        }
      }
    }
    if (IsSetOperator(node.op)) matching.cardinality = VectorMatching::Cardinality::kManyToMany;
    return true;
  }

  bool CheckBinary(Node& node, bool matching_written) {
    const ValueType left = node.args[0]->type;
    const ValueType right = node.args[1]->type;
    const std::string op(BinaryOpText(node.op));
    for (ValueType side : {left, right}) {
      if (side != ValueType::kScalar && side != ValueType::kVector) {
        Fail(node.position,
             "\"" + op + "\" joins scalars and instant vectors, not " + WithArticle(side));
        return false;
      }
    }
    const bool vectors = left == ValueType::kVector && right == ValueType::kVector;
    if (IsSetOperator(node.op) && !vectors) {
      Fail(node.position, "\"" + op + "\" is a set operator: both sides must be instant vectors");
      return false;
    }
    if (IsComparison(node.op) && !node.return_bool && left == ValueType::kScalar &&
        right == ValueType::kScalar) {
      Fail(node.position, "a comparison of two scalars needs bool: 1 " + op + " bool 2");
      return false;
    }
    if (matching_written && !vectors) {
      Fail(node.position, "on() and ignoring() match two instant vectors only");
      return false;
    }
    node.type = left == ValueType::kScalar && right == ValueType::kScalar ? ValueType::kScalar
                                                                          : ValueType::kVector;
    return true;
  }

  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  int depth_ = 0;
  std::optional<ParseError> error_;
};

}  // namespace

std::variant<NodePtr, ParseError> Parse(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) {
    return ParseError{
        0, "the expression is longer than " + std::to_string(kMaxExpressionBytes) + " bytes"};
  }
  Lexed lexed = Lex(text);
  if (lexed.error) return ParseError{lexed.error->offset, lexed.error->message};
  return Parser(std::move(lexed.tokens)).Run();
}

}  // namespace vigil::alerting::promql
