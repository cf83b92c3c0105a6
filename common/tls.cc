#include "common/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

namespace vigil {
namespace {

namespace ssl = boost::asio::ssl;

Error TlsFileError(const std::string& what, const std::string& file,
                   const boost::system::error_code& ec) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "cannot load " + what + " \"" + file + "\": " + ec.message());
}

Result<std::shared_ptr<ssl::context>> NewContext(ssl::context::method method) {
  auto context = std::make_shared<ssl::context>(method);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot require TLS 1.2 or later");
  }
  return context;
}

Status LoadKeyPair(ssl::context& context, const std::string& cert_file,
                   const std::string& key_file) {
  boost::system::error_code ec;
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) return TlsFileError("certificate", cert_file, ec);
  context.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return TlsFileError("private key", key_file, ec);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    ERR_clear_error();
    return MakeError(
        ErrorCode::kInvalidArgument,
        "private key \"" + key_file + "\" does not match certificate \"" + cert_file + "\"");
  }
  return OkStatus();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsServerFiles& files) {
  auto context = NewContext(ssl::context::tls_server);
  if (!context) return context.error();
  if (Status loaded = LoadKeyPair(**context, files.cert_file, files.key_file); !loaded) {
    return loaded.error();
  }
  if (!files.client_ca_file.empty()) {
    boost::system::error_code ec;
    (*context)->load_verify_file(files.client_ca_file, ec);
    if (ec) return TlsFileError("client CA", files.client_ca_file, ec);
    (*context)->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

Result<std::shared_ptr<ssl::context>> MakeClientTlsContext(const TlsClientFiles& files) {
  auto context = NewContext(ssl::context::tls_client);
  if (!context) return context.error();
  boost::system::error_code ec;
  if (files.ca_file.empty()) {
    (*context)->set_default_verify_paths(ec);
    if (ec)
      return MakeError(ErrorCode::kInvalidArgument,
                       "cannot load the system's CA store: " + ec.message());
  } else {
    (*context)->load_verify_file(files.ca_file, ec);
    if (ec) return TlsFileError("CA", files.ca_file, ec);
  }
  (*context)->set_verify_mode(ssl::verify_peer);
  if (!files.cert_file.empty()) {
    if (Status loaded = LoadKeyPair(**context, files.cert_file, files.key_file); !loaded) {
      return loaded.error();
    }
  }
  return context;
}

}  // namespace vigil
