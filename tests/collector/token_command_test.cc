#include "collector/token_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "collector/store.h"
#include "collector/token.h"
#include "common/cli.h"
#include "tests/support/temp_dir.h"

namespace vigil::collector {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

class TokenCommandTest : public ::testing::Test {
 protected:
  TokenCommandTest() { config_.store.sqlite = dir_.File("vigil.db"); }

  Outcome Do(std::vector<std::string> words, const std::string& customer = "") {
    std::ostringstream out, err;
    const int code = RunTokenCommand(config_, words, customer, RealClock(), out, err);
    return {code, out.str(), err.str()};
  }

  testing::TempDir dir_;
  config::CollectorConfig config_;
};

TEST_F(TokenCommandTest, CreatePrintsTheTokenAloneAndStoresItsHash) {
  Outcome created = Do({"create"}, "acme");
  ASSERT_EQ(created.code, kExitOk) << created.err;
  ASSERT_EQ(created.out.back(), '\n');
  const std::string token = created.out.substr(0, created.out.size() - 1);
  EXPECT_EQ(token.find_first_of(" \n"), std::string::npos);
  auto store = OpenSqliteStore(config_.store.sqlite);
  auto found = (*store)->FindToken(HashToken(token));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->customer, "acme");
}

TEST_F(TokenCommandTest, ListShowsIdsAndCustomersButNoToken) {
  Outcome created = Do({"create"}, "acme");
  Outcome listed = Do({"list"});
  ASSERT_EQ(listed.code, kExitOk);
  EXPECT_THAT(listed.out, HasSubstr("acme"));
  EXPECT_EQ(listed.out.find(created.out.substr(0, created.out.size() - 1)), std::string::npos);
}

TEST_F(TokenCommandTest, RevokeMarksTheTokenAndUnknownIdsFail) {
  Do({"create"}, "acme");
  auto tokens = (*OpenSqliteStore(config_.store.sqlite))->ListTokens();
  const std::string id = tokens->front().id;
  EXPECT_EQ(Do({"revoke", id}).code, kExitOk);
  EXPECT_THAT(Do({"list"}).out, ::testing::Not(HasSubstr("  -\n")));
  Outcome unknown = Do({"revoke", "000000000000"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_THAT(unknown.err, HasSubstr("no token with id 000000000000"));
}

TEST_F(TokenCommandTest, CreateNeedsAValidCustomer) {
  EXPECT_EQ(Do({"create"}).code, kExitUsage);
  EXPECT_EQ(Do({"create"}, "bad name").code, kExitUsage);
}

TEST_F(TokenCommandTest, UnknownActionPrintsUsage) {
  Outcome run = Do({"rotate"});
  EXPECT_EQ(run.code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("usage:"));
}

}  // namespace
}  // namespace vigil::collector
