#include "vigilctl/cli/cli.h"

namespace vigil::ctl {

std::string Cli::TimeOf(const std::string& text) {
  if (text.empty()) return text;
  auto parsed = ParseTimeArgument(text, now_ms);
  if (!parsed) time_error = parsed.error().message;
  return parsed ? *parsed : "";
}

void Cli::OnChosen(CLI::App* command, std::function<int(const Context&)> run) {
  command->callback([this, run = std::move(run)] { action = run; });
}

void Put(Query& query, const std::string& name, const std::string& value) {
  if (!value.empty()) query.emplace_back(name, value);
}

std::optional<int> TimeUsageError(const Cli& cli, const Context& context) {
  if (cli.time_error.empty()) return std::nullopt;
  context.err << "vigilctl: " << cli.time_error << "\n";
  return kUsage;
}

}  // namespace vigil::ctl
