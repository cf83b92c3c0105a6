#pragma once
// TLS context set-up shared by the agent (client) and the collector (server): TLS 1.2 minimum,
// certificates loaded from PEM files, peer verification on by default.

#include <memory>
#include <string>

#include "common/result.h"

namespace boost::asio::ssl {
class context;
}

namespace vigil {

struct TlsServerFiles {
  std::string cert_file;       // PEM chain, leaf first
  std::string key_file;        // PEM private key matching cert_file
  std::string client_ca_file;  // non-empty: clients must present a certificate signed by it
};

struct TlsClientFiles {
  std::string ca_file;    // PEM bundle the server's certificate must chain to; empty: the system's
  std::string cert_file;  // optional client certificate (mutual TLS)
  std::string key_file;   // required when cert_file is set
};

// Errors name the file and OpenSSL's reason. The returned context is immutable after creation and
// may be shared by any number of connections and threads.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsServerFiles& files);
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const TlsClientFiles& files);

}  // namespace vigil
