#include "collector/token_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "collector/store/store.h"
#include "collector/store/token.h"
#include "common/command_line.h"
#include "tests/support/temp_dir.h"

namespace vigil::collector {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int code;
  std::string out;
  std::string err;
  std::string Token() const { return out.substr(0, out.size() - 1); }
};

class TokenCommandTest : public ::testing::Test {
 protected:
  TokenCommandTest() { config_.store.sqlite = dir_.File("vigil.db"); }

  Outcome Do(const std::string& action, const std::string& customer = "",
             const std::string& role = "", const std::string& name = "",
             const std::string& id = "") {
    const TokenCommand command{action, customer, role, name, id};
    std::ostringstream out, err;
    const int code = RunTokenCommand(config_, command, RealClock(), out, err);
    return {code, out.str(), err.str()};
  }

  std::optional<TokenRecord> Find(const std::string& token) {
    auto store = OpenSqliteStore(config_.store.sqlite);
    auto found = (*store)->tokens().FindToken(HashToken(token));
    return found.ok() ? *found : std::nullopt;
  }

  testing::TempDir dir_;
  config::CollectorConfig config_;
};

TEST_F(TokenCommandTest, CreatePrintsTheTokenAloneAndStoresItsHash) {
  Outcome created = Do("create", "acme");
  ASSERT_EQ(created.code, kExitOk) << created.err;
  ASSERT_EQ(created.out.back(), '\n');
  EXPECT_EQ(created.Token().find_first_of(" \n"), std::string::npos);
  auto found = Find(created.Token());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->customer, "acme");
  EXPECT_EQ(found->kind, TokenKind::kEnrollment);
}

TEST_F(TokenCommandTest, CreateMakesApiTokensWithARoleAndAName) {
  Outcome created = Do("create", "", "operator", "ops-bot");
  ASSERT_EQ(created.code, kExitOk) << created.err;
  auto found = Find(created.Token());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->kind, TokenKind::kApi);
  EXPECT_EQ(found->role, "operator");
  EXPECT_EQ(found->name, "ops-bot");
  EXPECT_THAT(created.err, HasSubstr("with role operator for ops-bot"));
}

TEST_F(TokenCommandTest, ListShowsIdsKindsAndOwnersButNoToken) {
  Outcome enrollment = Do("create", "acme");
  Outcome api = Do("create", "", "viewer", "grafana");
  Outcome listed = Do("list");
  ASSERT_EQ(listed.code, kExitOk);
  EXPECT_THAT(listed.out, HasSubstr("enrollment  acme"));
  EXPECT_THAT(listed.out, HasSubstr("api         viewer"));
  EXPECT_THAT(listed.out, HasSubstr("grafana"));
  EXPECT_EQ(listed.out.find(enrollment.Token()), std::string::npos);
  EXPECT_EQ(listed.out.find(api.Token()), std::string::npos);
}

TEST_F(TokenCommandTest, RevokeMarksTheTokenAndUnknownIdsFail) {
  Do("create", "acme");
  auto tokens = (*OpenSqliteStore(config_.store.sqlite))->tokens().ListTokens();
  const std::string id = tokens->front().id;
  EXPECT_EQ(Do("revoke", "", "", "", id).code, kExitOk);
  EXPECT_THAT(Do("list").out, ::testing::Not(HasSubstr("  -\n")));
  Outcome unknown = Do("revoke", "", "", "", "000000000000");
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_THAT(unknown.err, HasSubstr("no token with id 000000000000"));
}

TEST_F(TokenCommandTest, CreateNeedsAValidCustomerOrRoleAndName) {
  EXPECT_EQ(Do("create").code, kExitUsage);  // neither: an API token without role
  EXPECT_EQ(Do("create", "bad name").code, kExitUsage);
  Outcome no_name = Do("create", "", "admin");
  EXPECT_EQ(no_name.code, kExitUsage);
  EXPECT_THAT(no_name.err, HasSubstr("name:"));
}

}  // namespace
}  // namespace vigil::collector
