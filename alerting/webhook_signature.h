#pragma once
// Signing webhooks by the Standard Webhooks scheme (standardwebhooks.com): the receiver checks
// `webhook-signature` = "v1,<base64 HMAC-SHA256 of id.timestamp.body>", one per secret, space
// separated, so that two secrets can be valid while one is rotated out.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vigil::alerting {

// "whsec_<base64 key>" (surrounding whitespace ignored) to the key's bytes. Error "bad_secret"
// saying what is wrong, never echoing the secret.
Result<std::string> DecodeWebhookSecret(std::string_view text);

// The value of the webhook-signature header for these keys.
std::string SignWebhook(const std::vector<std::string>& keys, std::string_view id,
                        std::int64_t timestamp_seconds, std::string_view body);

std::string Base64Encode(std::string_view bytes);

}  // namespace vigil::alerting
