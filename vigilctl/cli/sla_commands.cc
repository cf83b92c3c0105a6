// vigilctl sla report.

#include "common/time_format.h"
#include "vigilctl/cli/cli.h"

namespace vigil::ctl {

void AddSlaCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* sla = app.add_subcommand("sla", "contract SLAs: the report a customer is shown");
  sla->require_subcommand(1);
  CLI::App* report = sla->add_subcommand(
      "report",
      "a customer's incidents and reports opened in [--from, --to) against their "
      "targets (-o csv for a spreadsheet)");
  report->add_option("--customer", o.customer, "whose")->required();
  report->add_option("--from", o.from, "period start: RFC 3339, or a duration ago")->required();
  report->add_option("--to", o.to, "period end: RFC 3339, or a duration ago (default now)");
  cli.OnChosen(report, [&o, &cli](const Context& context) {
    Query query;
    Put(query, "customer", o.customer);
    Put(query, "from", cli.TimeOf(o.from));
    Put(query, "to", o.to.empty() ? FormatRfc3339(cli.now_ms) : cli.TimeOf(o.to));
    if (auto usage = TimeUsageError(cli, context)) return *usage;
    return SlaReport(context, query);
  });
}

}  // namespace vigil::ctl
