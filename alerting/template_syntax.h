#pragma once
// The syntax tree of an annotation template (alerting/template.h): what Template::Parse makes
// and Template::Render walks. Internal to those two.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace vigil::alerting::template_syntax {

struct Pipeline;

// One argument: a variable or the dot, each with the fields after it ($labels.job, .Value), a
// literal, or a parenthesized pipeline.
struct Operand {
  enum class Kind { kVariable, kDot, kString, kNumber, kBool, kNil, kPipeline };
  Kind kind = Kind::kDot;
  std::string name;                 // a variable's, with its '$' ("$" alone: the data)
  std::vector<std::string> fields;  // .a.b after it
  std::string text;                 // a string literal's value
  double number = 0;
  bool boolean = false;
  std::shared_ptr<const Pipeline> pipeline;
  std::size_t offset = 0;
};

struct Command {
  std::string function;  // empty: the command is its one operand
  std::vector<Operand> args;
  std::size_t offset = 0;
};

struct Pipeline {
  std::vector<std::string> declared;  // `$x :=`, or range's `$k, $v :=`
  std::vector<Command> commands;      // each one's result is the last argument of the next
  std::size_t offset = 0;
};

struct Node {
  enum class Kind { kText, kAction, kIf, kWith, kRange };
  Kind kind = Kind::kText;
  std::string text;
  Pipeline pipeline;
  std::vector<Node> body;
  std::vector<Node> otherwise;  // else; an `else if` is one kIf node in it
};

// Functions a template may call, with how many arguments they take (max -1: any number).
struct FunctionArity {
  const char* name;
  int min;
  int max;
};
inline constexpr FunctionArity kFunctions[] = {
    {"and", 1, -1},
    {"or", 1, -1},
    {"not", 1, 1},
    {"eq", 2, -1},
    {"ne", 2, 2},
    {"lt", 2, 2},
    {"le", 2, 2},
    {"gt", 2, 2},
    {"ge", 2, 2},
    {"len", 1, 1},
    {"index", 2, 2},
    {"print", 0, -1},
    {"printf", 1, -1},
    {"humanize", 1, 1},
    {"humanize1024", 1, 1},
    {"humanizePercentage", 1, 1},
    {"humanizeDuration", 1, 1},
    {"humanizeTimestamp", 1, 1},
    {"toUpper", 1, 1},
    {"toLower", 1, 1},
    {"title", 1, 1},
    {"reReplaceAll", 3, 3},
    {"match", 2, 2},
    {"stripPort", 1, 1},
    {"stripDomain", 1, 1},
    {"safeHtml", 1, 1},
};

}  // namespace vigil::alerting::template_syntax
