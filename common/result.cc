#include "common/result.h"

#include <ostream>

namespace vigil {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknown:
      return "";
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kInvalidTime:
      return "invalid_time";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kRequestTimeout:
      return "request_timeout";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kTooManyRequests:
      return "too_many_requests";
    case ErrorCode::kRequestHeaderFieldsTooLarge:
      return "request_header_fields_too_large";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kClosed:
      return "closed";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kTlsHandshakeFailed:
      return "tls_handshake_failed";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kFrameTooLarge:
      return "frame_too_large";
    case ErrorCode::kMalformedMessage:
      return "malformed_message";
    case ErrorCode::kProtocolViolation:
      return "protocol_violation";
    case ErrorCode::kRefused:
      return "refused";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kNotSupported:
      return "not_supported";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNoData:
      return "no_data";
    case ErrorCode::kReadFailed:
      return "read_failed";
    case ErrorCode::kParseFailed:
      return "parse_failed";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kExists:
      return "exists";
    case ErrorCode::kNotApplicable:
      return "not_applicable";
    case ErrorCode::kBudgetSpent:
      return "budget_spent";
    case ErrorCode::kStoreFailed:
      return "store_failed";
    case ErrorCode::kSchemaTooNew:
      return "schema_too_new";
    case ErrorCode::kBusy:
      return "busy";
  }
  return "";
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  const std::string_view name = ErrorCodeName(code);
  return out << (name.empty() ? std::string_view("unknown") : name);
}

}  // namespace vigil
