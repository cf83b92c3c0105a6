#include "collector/token_command.h"

#include <ctime>
#include <iomanip>
#include <ostream>

#include "collector/store.h"
#include "collector/token.h"
#include "common/cli.h"
#include "common/identity.h"

namespace vigil::collector {
namespace {

std::string FormatTime(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

constexpr const char* kTokenUsage =
    "usage: vigil-collector --config FILE token create --customer NAME\n"
    "       vigil-collector --config FILE token list\n"
    "       vigil-collector --config FILE token revoke ID\n";

}  // namespace

bool IsValidCustomerName(const std::string& name) { return IsSimpleName(name, 64); }

int RunTokenCommand(const config::CollectorConfig& config, const std::vector<std::string>& words,
                    const std::string& customer, const Clock& clock, std::ostream& out,
                    std::ostream& err) {
  if (words.empty()) {
    err << kTokenUsage;
    return kExitUsage;
  }
  const std::string& action = words[0];
  const bool known = (action == "create" && words.size() == 1) ||
                     (action == "list" && words.size() == 1) ||
                     (action == "revoke" && words.size() == 2);
  if (!known) {
    err << kTokenUsage;
    return kExitUsage;
  }
  if (action == "create" && !IsValidCustomerName(customer)) {
    err << "vigil-collector: token create needs --customer NAME (1 to 64 letters, digits, '.', "
           "'_' or '-')\n";
    return kExitUsage;
  }
  auto store = OpenSqliteStore(config.store.sqlite);
  if (!store) {
    err << "vigil-collector: " << store.error().message << "\n";
    return kExitFailure;
  }
  if (action == "create") {
    const std::string token = GenerateToken();
    const TokenRecord record{GenerateTokenId(), customer, ToUnixMillis(clock.Now()), std::nullopt};
    if (Status added = (*store)->AddToken(record, HashToken(token)); !added) {
      err << "vigil-collector: " << added.error().message << "\n";
      return kExitFailure;
    }
    out << token << "\n";
    err << "created token " << record.id << " for customer " << customer
        << "; it is shown only this once\n";
    return kExitOk;
  }
  if (action == "list") {
    auto tokens = (*store)->ListTokens();
    if (!tokens) {
      err << "vigil-collector: " << tokens.error().message << "\n";
      return kExitFailure;
    }
    out << std::left << std::setw(14) << "ID" << std::setw(24) << "CUSTOMER" << std::setw(22)
        << "CREATED" << "REVOKED\n";
    for (const TokenRecord& token : *tokens) {
      out << std::setw(14) << token.id << std::setw(24) << token.customer << std::setw(22)
          << FormatTime(token.created_ms)
          << (token.revoked_ms ? FormatTime(*token.revoked_ms) : std::string("-")) << "\n";
    }
    return kExitOk;
  }
  if (Status revoked = (*store)->RevokeToken(words[1], ToUnixMillis(clock.Now())); !revoked) {
    err << "vigil-collector: " << revoked.error().message << "\n";
    return revoked.error().code == "not_found" ? kExitUsage : kExitFailure;
  }
  err << "revoked token " << words[1]
      << "; agents using it are refused from their next connection\n";
  return kExitOk;
}

}  // namespace vigil::collector
