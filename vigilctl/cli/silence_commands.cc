// vigilctl silences: list, add, expire.

#include "common/units.h"
#include "vigilctl/cli/cli.h"

namespace vigil::ctl {
namespace {

using Json = nlohmann::json;

// The body of POST /api/v1/silences from the options; nullopt after a usage error was printed.
std::optional<Json> SilenceBody(const Options& o, const Context& context) {
  Json body = {{"comment", o.comment}, {"matchers", Json::array()}};
  for (const std::string& text_matcher : o.matchers) {
    auto matcher = ParseMatcher(text_matcher);
    if (!matcher) {
      context.err << "vigilctl: " << matcher.error().message << "\n";
      return std::nullopt;
    }
    body["matchers"].push_back(*matcher);
  }
  if (!o.duration.empty()) {
    auto parsed = ParseDuration(o.duration);
    if (!parsed) {
      context.err << "vigilctl: --duration: " << parsed.error().message << "\n";
      return std::nullopt;
    }
    body["duration"] = parsed->count() / 1000;
  } else if (!o.until.empty()) {
    body["ends_at"] = o.until;
  } else {
    context.err << "vigilctl: give --duration or --until\n";
    return std::nullopt;
  }
  if (!o.starts.empty()) body["starts_at"] = o.starts;
  return body;
}

}  // namespace

void AddSilenceCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* silences = app.add_subcommand("silences", "silences: list, add, expire");
  silences->require_subcommand(1);

  CLI::App* list = silences->add_subcommand("list", "list silences, newest first");
  list->add_option("--state", o.state, "pending, active or expired")
      ->check(CLI::IsMember({"pending", "active", "expired"}));
  cli.OnChosen(list, [&o](const Context& context) {
    Query query;
    Put(query, "state", o.state);
    return List(context, "/api/v1/silences", query, SilenceColumns(), 0);
  });

  CLI::App* add = silences->add_subcommand(
      "add",
      "mute incidents whose labels match, e.g. silences add 'customer=\"acme\"' "
      "'severity=~\"low|medium\"' --duration 2h --comment 'patching'");
  add->add_option("matchers", o.matchers, "NAME=VALUE, NAME!=VALUE, NAME=~RE or NAME!~RE")
      ->required();
  auto* duration_option = add->add_option("--duration", o.duration, "how long (2h, 30m)");
  auto* until_option = add->add_option("--until", o.until, "until when (RFC 3339)");
  duration_option->excludes(until_option);
  add->add_option("--starts", o.starts, "from when (RFC 3339; default now)");
  add->add_option("--comment", o.comment, "why (required)")->required();
  cli.OnChosen(add, [&o](const Context& context) {
    std::optional<Json> body = SilenceBody(o, context);
    if (!body) return kUsage;
    return Show(context, "POST", "/api/v1/silences", &*body, SilenceColumns());
  });

  CLI::App* expire = silences->add_subcommand("expire", "end a silence now");
  expire->add_option("id", o.id, "the silence's id")->required();
  cli.OnChosen(expire, [&o](const Context& context) {
    return Show(context, "DELETE", "/api/v1/silences/" + UrlEncode(o.id), nullptr,
                SilenceColumns());
  });
}

}  // namespace vigil::ctl
