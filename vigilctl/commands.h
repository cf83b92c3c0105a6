#pragma once
// What each vigilctl command asks of the API and how it prints the answer.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "vigilctl/api_client.h"
#include "vigilctl/output.h"

namespace vigil::ctl {

// vigilctl's exit codes.
inline constexpr int kOk = 0;
inline constexpr int kApiError = 1;   // the API answered with an error (message on stderr)
inline constexpr int kUsage = 2;      // a bad command line
inline constexpr int kNoConnect = 3;  // the API could not be reached

struct Context {
  ApiClient& client;
  Format format;
  std::ostream& out;
  std::ostream& err;
};

using Query = std::vector<std::pair<std::string, std::string>>;

// GETs every page of a list (or the first `max_items` items) and prints it.
int List(const Context& context, const std::string& path, const Query& query,
         const std::vector<Column>& columns, std::size_t max_items);
// Calls `method` on `path` (with `body` when not null) and prints the one object answered.
// `timeline`: also print an incident's timeline or a fault report's history (table output).
int Show(const Context& context, const std::string& method, const std::string& path,
         const nlohmann::json* body, const std::vector<Column>& fields, bool timeline = false);

// The columns each resource is printed with.
std::vector<Column> AgentColumns();
std::vector<Column> FindingColumns();
std::vector<Column> IncidentColumns();
std::vector<Column> IncidentFields();
std::vector<Column> SilenceColumns();
std::vector<Column> TokenColumns();
std::vector<Column> RuleColumns();
std::vector<Column> NotificationColumns();
std::vector<Column> ReportColumns();
std::vector<Column> ReportFields();

// Gives a report to a team: a new report moves to assigned with it, any other has its assignee
// edited.
int AssignReport(const Context& context, const std::string& id, const std::string& team,
                 const std::string& person, const std::string& note, const std::string& at);

// GET /api/v1/sla/report: JSON as answered, CSV as the API renders it, or for people the items
// and the summary as tables.
int SlaReport(const Context& context, const Query& query);

// `name OP value` with OP one of = != =~ !~, the value bare or in double quotes
// (customer="acme", severity=~"critical|high", agent!=web-01) -> {"name","op","value"}.
Result<nlohmann::json> ParseMatcher(const std::string& text);

// An RFC 3339 time as given, or a duration ("2h", "30m") meaning that long before now.
Result<std::string> ParseTimeArgument(const std::string& text, std::int64_t now_ms);

}  // namespace vigil::ctl
