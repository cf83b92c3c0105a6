#include "collector/token_command.h"

#include <iomanip>
#include <ostream>

#include "collector/store/store.h"
#include "collector/store/token.h"
#include "common/command_line.h"
#include "common/time_format.h"

namespace vigil::collector {

int RunTokenCommand(const config::CollectorConfig& config, const TokenCommand& command,
                    const Clock& clock, std::ostream& out, std::ostream& err) {
  auto store = OpenSqliteStore(config.store.sqlite);
  if (!store) {
    err << "vigil-collector: " << store.error().message << "\n";
    return kExitFailure;
  }
  if (command.action == "create") {
    const bool api = !command.role.empty() || command.customer.empty();
    TokenRecord record;
    auto created =
        CreateToken((*store)->tokens(),
                    {api ? "api" : "enrollment", command.customer, command.role, command.name},
                    ToUnixMillis(clock.Now()), record);
    if (!created) {
      err << "vigil-collector: token create: " << created.error().message
          << " (use --customer NAME, or --role viewer|operator|admin --name NAME)\n";
      return created.error().code == ErrorCode::kBadRequest ? kExitUsage : kExitFailure;
    }
    out << created->secret << "\n";
    err << "created " << (api ? "API token " : "enrollment token ") << record.id
        << (api ? " with role " + record.role + " for " + record.name
                : " for customer " + record.customer)
        << "; it is shown only this once\n";
    return kExitOk;
  }
  if (command.action == "list") {
    auto tokens = (*store)->tokens().ListTokens();
    if (!tokens) {
      err << "vigil-collector: " << tokens.error().message << "\n";
      return kExitFailure;
    }
    out << std::left << std::setw(14) << "ID" << std::setw(12) << "KIND" << std::setw(24)
        << "CUSTOMER/ROLE" << std::setw(20) << "NAME" << std::setw(26) << "CREATED"
        << "REVOKED\n";
    for (const TokenRecord& token : *tokens) {
      out << std::setw(14) << token.id << std::setw(12) << TokenKindName(token.kind)
          << std::setw(24) << (token.kind == TokenKind::kApi ? token.role : token.customer)
          << std::setw(20) << (token.name.empty() ? "-" : token.name) << std::setw(26)
          << FormatRfc3339(token.created_ms)
          << (token.revoked_ms ? FormatRfc3339(*token.revoked_ms) : std::string("-")) << "\n";
    }
    return kExitOk;
  }
  if (Status revoked = (*store)->tokens().RevokeToken(command.id, ToUnixMillis(clock.Now()));
      !revoked) {
    err << "vigil-collector: " << revoked.error().message << "\n";
    return revoked.error().code == ErrorCode::kNotFound ? kExitUsage : kExitFailure;
  }
  err << "revoked token " << command.id
      << "; it is refused from now on (agents using it are cut off within seconds)\n";
  return kExitOk;
}

}  // namespace vigil::collector
