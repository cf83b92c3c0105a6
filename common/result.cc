#include "common/result.h"

#include <iterator>
#include <ostream>

namespace vigil {

namespace {

// Indexed by ErrorCode, in its order.
constexpr std::string_view kNames[] = {
    "",                                 // kUnknown
    "bad_request",                      // kBadRequest
    "invalid_time",                     // kInvalidTime
    "unauthenticated",                  // kUnauthenticated
    "forbidden",                        // kForbidden
    "not_found",                        // kNotFound
    "method_not_allowed",               // kMethodNotAllowed
    "request_timeout",                  // kRequestTimeout
    "conflict",                         // kConflict
    "payload_too_large",                // kPayloadTooLarge
    "unsupported_media_type",           // kUnsupportedMediaType
    "too_many_requests",                // kTooManyRequests
    "request_header_fields_too_large",  // kRequestHeaderFieldsTooLarge
    "internal",                         // kInternal
    "unavailable",                      // kUnavailable
    "timeout",                          // kTimeout
    "closed",                           // kClosed
    "cancelled",                        // kCancelled
    "tls_handshake_failed",             // kTlsHandshakeFailed
    "io_error",                         // kIoError
    "frame_too_large",                  // kFrameTooLarge
    "malformed_message",                // kMalformedMessage
    "protocol_violation",               // kProtocolViolation
    "refused",                          // kRefused
    "permission_denied",                // kPermissionDenied
    "not_supported",                    // kNotSupported
    "invalid_argument",                 // kInvalidArgument
    "no_data",                          // kNoData
    "read_failed",                      // kReadFailed
    "parse_failed",                     // kParseFailed
    "too_large",                        // kTooLarge
    "exists",                           // kExists
    "not_applicable",                   // kNotApplicable
    "budget_spent",                     // kBudgetSpent
    "store_failed",                     // kStoreFailed
    "schema_too_new",                   // kSchemaTooNew
    "busy",                             // kBusy
};
static_assert(std::size(kNames) == static_cast<std::size_t>(ErrorCode::kBusy) + 1,
              "every ErrorCode has a name");

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : std::string_view();
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  const std::string_view name = ErrorCodeName(code);
  return out << (name.empty() ? std::string_view("unknown") : name);
}

}  // namespace vigil
