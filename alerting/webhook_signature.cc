#include "alerting/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace vigil::alerting {

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

Result<std::string> DecodeWebhookSecret(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  constexpr std::string_view kPrefix = "whsec_";
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a webhook secret starts with whsec_ followed by base64");
  }
  text.remove_prefix(kPrefix.size());
  if (text.empty() || text.size() % 4 != 0 || text.size() > 1024) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the part after whsec_ is not padded base64 of a key");
  }
  std::string key(text.size() / 4 * 3, '\0');
  const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (decoded < 0)
    return MakeError(ErrorCode::kInvalidArgument, "the part after whsec_ is not valid base64");
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t size = static_cast<std::size_t>(decoded);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  key.resize(size);
  if (key.size() < 16)
    return MakeError(ErrorCode::kInvalidArgument, "the key is shorter than 16 bytes");
  return key;
}

std::string SignWebhook(const std::vector<std::string>& keys, std::string_view id,
                        std::int64_t timestamp_seconds, std::string_view body) {
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp_seconds)).append(".").append(body);
  std::string header;
  for (const std::string& key : keys) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest, &size);
    if (!header.empty()) header += ' ';
    header += "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), size));
  }
  return header;
}

}  // namespace vigil::alerting
