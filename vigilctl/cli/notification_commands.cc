// vigilctl notifications (list, retry) and rules (list).

#include "vigilctl/cli/cli.h"

namespace vigil::ctl {

void AddNotificationCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* notifications =
      app.add_subcommand("notifications", "the outbox: what was sent, what waits, what died");
  notifications->require_subcommand(1);

  CLI::App* list = notifications->add_subcommand("list", "list notifications");
  list->add_option("--state", o.state, "pending, delivered or dead")
      ->check(CLI::IsMember({"pending", "delivered", "dead"}));
  list->add_option("--incident", o.id, "only this incident's");
  list->add_option("--receiver", o.receiver, "only this receiver's");
  list->add_option("--limit", o.limit, "at most this many (default: all)");
  cli.OnChosen(list, [&o](const Context& context) {
    Query query;
    Put(query, "state", o.state);
    Put(query, "incident", o.id);
    Put(query, "receiver", o.receiver);
    return List(context, "/api/v1/notifications", query, NotificationColumns(), o.limit);
  });

  CLI::App* retry =
      notifications->add_subcommand("retry", "send a dead-lettered notification again");
  retry->add_option("id", o.id, "the notification's id")->required();
  cli.OnChosen(retry, [&o](const Context& context) {
    const nlohmann::json empty = nlohmann::json::object();
    return Show(context, "POST", "/api/v1/notifications/" + UrlEncode(o.id) + "/retry", &empty,
                NotificationColumns());
  });
}

void AddRuleCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* rules = app.add_subcommand("rules", "the collector's rules and their state");
  rules->require_subcommand(1);
  CLI::App* list = rules->add_subcommand("list", "list rules");
  list->add_option("--state", o.state, "inactive, pending or firing")
      ->check(CLI::IsMember({"inactive", "pending", "firing"}));
  cli.OnChosen(list, [&o](const Context& context) {
    Query query;
    Put(query, "state", o.state);
    return List(context, "/api/v1/rules", query, RuleColumns(), 0);
  });
}

}  // namespace vigil::ctl
