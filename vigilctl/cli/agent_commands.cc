// vigilctl agents: list, show, findings.

#include "vigilctl/cli/cli.h"

namespace vigil::ctl {

void AddAgentCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* agents = app.add_subcommand("agents", "the agents that stream to the collector");
  agents->require_subcommand(1);

  CLI::App* list = agents->add_subcommand("list", "list agents");
  list->add_option("--customer", o.customer, "only this customer's");
  list->add_option("--connected", o.connected, "only connected (true) or not (false)")
      ->check(CLI::IsMember({"true", "false"}));
  cli.OnChosen(list, [&o](const Context& context) {
    Query query;
    Put(query, "customer", o.customer);
    Put(query, "connected", o.connected);
    return List(context, "/api/v1/agents", query, AgentColumns(), 0);
  });

  CLI::App* show = agents->add_subcommand("show", "one agent");
  show->add_option("customer", o.customer, "its customer")->required();
  show->add_option("agent", o.agent_id, "its id")->required();
  cli.OnChosen(show, [&o](const Context& context) {
    return Show(context, "GET",
                "/api/v1/agents/" + UrlEncode(o.customer) + "/" + UrlEncode(o.agent_id), nullptr,
                AgentColumns());
  });

  CLI::App* findings = agents->add_subcommand("findings", "an agent's current security findings");
  findings->add_option("customer", o.customer, "its customer")->required();
  findings->add_option("agent", o.agent_id, "its id")->required();
  findings->add_option("--check", o.check,
                       "only this check (fim.changed, ssh.permit_root_login, …)");
  findings->add_option("--severity", o.finding_severity, "only this severity")
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  cli.OnChosen(findings, [&o](const Context& context) {
    Query query;
    Put(query, "check", o.check);
    Put(query, "severity", o.finding_severity);
    return List(
        context,
        "/api/v1/agents/" + UrlEncode(o.customer) + "/" + UrlEncode(o.agent_id) + "/findings",
        query, FindingColumns(), 0);
  });
}

}  // namespace vigil::ctl
