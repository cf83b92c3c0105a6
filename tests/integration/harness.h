#pragma once
// Runs the real vigil-collector and vigil-agent binaries for integration tests: a temp dir with a
// private PKI (made by scripts/make-pki, the same script run-local uses), configs written per test,
// ports chosen by the kernel (port 0) and read back from the collector's log.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace vigil::testing {

class Harness {
 public:
  Harness();
  ~Harness();

  const TempDir& dir() const { return dir_; }

  // `vigil-collector token create --customer NAME`; returns the token it printed.
  std::string CreateToken(const std::string& customer);
  // `vigil-collector token create --role ROLE --name NAME`: an API token.
  std::string CreateApiToken(const std::string& role, const std::string& name);
  // The first admin token, from api.admin_token_file (written by the harness).
  const std::string& admin_token() const { return admin_token_; }
  // Runs vigilctl against this collector's API with `token`.
  CommandResult Vigilctl(const std::vector<std::string>& args, const std::string& token);
  // `vigil-collector token revoke` for the newest token of `customer`.
  void RevokeNewestToken(const std::string& customer);

  // Starts the collector with `extra_yaml` appended to its config (a top-level section there
  // replaces the harness's own listen, tls, store or api) and waits until it listens.
  // After the first start the same ports are reused, so a restarted collector is found again.
  void StartCollector(const std::string& extra_yaml = "");
  Process& collector() { return *collector_; }
  // Sends `signal` and waits for the process to end; returns its exit code.
  int StopCollector(int signal);
  std::uint16_t ingest_port() const { return ingest_port_; }
  std::uint16_t http_port() const { return http_port_; }

  // Writes an agent config (health every second, fast reconnect) and starts the agent. When
  // extra_yaml starts with an "agent:" section, that section replaces the harness's own.
  // `collector` overrides or adds keys of the agent's collector section (server_name, ca_file,
  // cert_file, ...).
  void StartAgent(const std::string& agent_id, const std::string& token,
                  const std::string& extra_yaml = "",
                  const std::map<std::string, std::string>& collector = {});
  Process& agent() { return *agent_; }
  // Another agent beside the harness's own, with a config file (`ID.yaml`) and spool of its own;
  // the caller owns the process.
  std::unique_ptr<Process> StartAnotherAgent(const std::string& agent_id, const std::string& token,
                                             const std::string& extra_yaml = "");
  std::string agent_config() const { return dir_.File("agent.yaml"); }
  std::string WriteAgentConfig(const std::string& agent_id, const std::string& token,
                               const std::string& extra_yaml,
                               const std::map<std::string, std::string>& collector = {});

  // One scrape of the collector's /metrics; empty exposition when unreachable.
  ParsedExposition Scrape();
  std::string ScrapeText();
  // Waits until the sample exists (and satisfies `predicate`, when given).
  std::optional<double> WaitForValue(const std::string& name,
                                     const std::map<std::string, std::string>& labels,
                                     const std::function<bool(double)>& predicate = nullptr);

 private:
  // An agent config pointing at this collector, with its token file and spool (relative paths).
  std::string AgentConfigText(const std::string& agent_id, const std::string& token_file,
                              const std::string& spool, const std::string& extra_yaml,
                              const std::map<std::string, std::string>& collector) const;

  TempDir dir_;
  std::unique_ptr<Process> collector_;
  std::unique_ptr<Process> agent_;
  std::uint16_t ingest_port_ = 0;
  std::uint16_t http_port_ = 0;
  int collector_starts_ = 0;
  std::string admin_token_;
};

// A TLS client that can misbehave on purpose, for bad-peer tests. Blocking, with timeouts.
class RawPeer {
 public:
  // Connects over plain TCP; Handshake() then upgrades to TLS (verifying the collector with
  // ca_file).
  RawPeer(std::uint16_t port, const std::string& ca_file);
  ~RawPeer();
  bool Handshake();
  void SendPlain(const std::string& bytes);  // before any handshake
  void Send(const std::string& bytes);       // over TLS
  void SendEnvelope(const wire::Envelope& envelope);
  // Reads one envelope; nullopt on close, error or timeout.
  std::optional<wire::Envelope> Read();
  // True when the collector closes the connection within the timeout.
  bool ClosedByPeer();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Runs `promtool check metrics` on exposition text and returns each line it printed that is not a
// lint drawn by node_exporter's own, deliberately kept names (camelCase node_memory_* and
// node_netstat_*, *_bits); so an empty result means no format error and no problem with any other
// metric. `dir` holds the temporary file.
std::vector<std::string> PromtoolProblems(const TempDir& dir, const std::string& exposition);

// The token string must not appear anywhere in the text.
bool ContainsSecret(const std::string& text, const std::string& token);

}  // namespace vigil::testing
