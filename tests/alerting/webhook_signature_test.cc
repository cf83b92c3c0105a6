#include "alerting/webhook_signature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::alerting {
namespace {

// The Standard Webhooks specification's own example: secret, id, timestamp, body and signature.
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr const char* kBody = R"({"test": 2432232314})";

TEST(WebhookSignature, MatchesTheSchemesPublishedExample) {
  auto key = DecodeWebhookSecret(kSecret);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(SignWebhook({*key}, kId, kTimestamp, kBody),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, TwoSecretsGiveTwoSignatures) {
  auto first = DecodeWebhookSecret(kSecret);
  auto second = DecodeWebhookSecret("whsec_c2Vjb25kLXNlY3JldC1rZXktMTIzNA==");
  ASSERT_TRUE(second.ok());
  const std::string header = SignWebhook({*first, *second}, kId, kTimestamp, kBody);
  EXPECT_EQ(header.substr(0, header.find(' ')), SignWebhook({*first}, kId, kTimestamp, kBody));
  EXPECT_EQ(header.substr(header.find(' ') + 1), SignWebhook({*second}, kId, kTimestamp, kBody));
}

TEST(WebhookSignature, RefusesWhatIsNotASecretWithoutEchoingIt) {
  auto plain = DecodeWebhookSecret("hunter2hunter2hunter2");
  ASSERT_FALSE(plain.ok());
  EXPECT_THAT(plain.error().message, ::testing::Not(::testing::HasSubstr("hunter2")));
  EXPECT_FALSE(DecodeWebhookSecret("whsec_!!!!").ok());
  EXPECT_FALSE(DecodeWebhookSecret("whsec_c2hvcnQ=").ok());  // "short": under 16 bytes
}

}  // namespace
}  // namespace vigil::alerting
