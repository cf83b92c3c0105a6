#include "tests/integration/harness.h"

#include <signal.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "common/framing.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string TrimNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

Harness::Harness() {
  CommandResult pki = RunCommand({VIGIL_SOURCE_DIR "/scripts/make-pki", dir_.File("pki")});
  if (pki.exit_code != 0) throw std::runtime_error("make-pki failed: " + pki.err);
  admin_token_ = "vgl_admin_" + std::to_string(::getpid()) + "_harness_token_0123456789";
  dir_.Write("admin.token", admin_token_ + "\n");
}

std::string Harness::CreateApiToken(const std::string& role, const std::string& name) {
  if (collector_starts_ == 0) StartCollector();
  CommandResult run = RunCommand({VIGIL_COLLECTOR_BINARY, "--config", dir_.File("collector.yaml"),
                                  "token", "create", "--role", role, "--name", name});
  if (run.exit_code != 0) throw std::runtime_error("token create failed: " + run.err);
  return TrimNewline(run.out);
}

CommandResult Harness::Vigilctl(const std::vector<std::string>& args, const std::string& token) {
  std::vector<std::string> argv = {VIGIL_VIGILCTL_BINARY, "--server",
                                   "http://127.0.0.1:" + std::to_string(http_port_), "--token",
                                   token};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

Harness::~Harness() {
  if (agent_) agent_->Signal(SIGKILL);
  if (collector_) collector_->Signal(SIGKILL);
}

std::string Harness::CreateToken(const std::string& customer) {
  if (collector_starts_ == 0) StartCollector();
  CommandResult run = RunCommand({VIGIL_COLLECTOR_BINARY, "--config", dir_.File("collector.yaml"),
                                  "token", "create", "--customer", customer});
  if (run.exit_code != 0) throw std::runtime_error("token create failed: " + run.err);
  return TrimNewline(run.out);
}

void Harness::RevokeNewestToken(const std::string& customer) {
  CommandResult list = RunCommand(
      {VIGIL_COLLECTOR_BINARY, "--config", dir_.File("collector.yaml"), "token", "list"});
  std::string id;
  const std::regex row("^([0-9a-f]{12}) +enrollment +" + customer + " ");
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, row)) id = match[1];
  }
  if (id.empty()) throw std::runtime_error("no token for " + customer + " in: " + list.out);
  CommandResult revoke = RunCommand(
      {VIGIL_COLLECTOR_BINARY, "--config", dir_.File("collector.yaml"), "token", "revoke", id});
  if (revoke.exit_code != 0) throw std::runtime_error("revoke failed: " + revoke.err);
}

void Harness::StartCollector(const std::string& extra_yaml) {
  // A top-level section in extra_yaml replaces the harness's default of the same name.
  const auto has_section = [&extra_yaml](const std::string& key) {
    return extra_yaml.rfind(key + ":", 0) == 0 ||
           extra_yaml.find("\n" + key + ":") != std::string::npos;
  };
  std::string config;
  if (!has_section("listen")) {
    config += "listen: {ingest: \"127.0.0.1:" + std::to_string(ingest_port_) +
              "\", http: \"127.0.0.1:" + std::to_string(http_port_) + "\"}\n";
  }
  if (!has_section("tls"))
    config += "tls: {cert_file: pki/collector.pem, key_file: pki/collector.key}\n";
  if (!has_section("store")) config += "store: {sqlite: collector/vigil.db}\n";
  if (!has_section("api")) config += "api: {admin_token_file: admin.token}\n";
  config += extra_yaml;
  dir_.Write("collector.yaml", config);
  ++collector_starts_;
  const std::string log = dir_.File("collector-" + std::to_string(collector_starts_) + ".log");
  collector_ = Process::Start({VIGIL_COLLECTOR_BINARY, "--config", dir_.File("collector.yaml")},
                              dir_.File("collector.out"), log);
  const std::regex listening(
      "ingest listening on port ([0-9]+) \\(TLS\\), http listening on port ([0-9]+)");
  std::smatch match;
  std::string text;
  const bool up = WaitFor([&] {
    text = collector_->Stderr();
    return std::regex_search(text, match, listening) || !collector_->Running();
  });
  if (!up || !std::regex_search(text, match, listening)) {
    throw std::runtime_error("collector did not start: " + text);
  }
  ingest_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
  http_port_ = static_cast<std::uint16_t>(std::stoi(match[2]));
}

int Harness::StopCollector(int signal) {
  collector_->Signal(signal);
  std::optional<int> code = collector_->Wait(std::chrono::seconds(20));
  return code.value_or(-1);
}

std::string Harness::WriteAgentConfig(const std::string& agent_id, const std::string& token,
                                      const std::string& extra_yaml,
                                      const std::map<std::string, std::string>& collector) {
  dir_.Write("agent.token", token + "\n");
  return dir_.Write("agent.yaml", AgentConfigText(agent_id, "agent.token", "agent/spool.db",
                                                  extra_yaml, collector));
}

std::string Harness::AgentConfigText(const std::string& agent_id, const std::string& token_file,
                                     const std::string& spool, const std::string& extra_yaml,
                                     const std::map<std::string, std::string>& collector) const {
  std::map<std::string, std::string> keys = {
      {"address", "\"127.0.0.1:" + std::to_string(ingest_port_) + "\""},
      {"server_name", "localhost"},
      {"ca_file", "pki/ca.pem"},
      {"token_file", token_file},
      {"reconnect", "{initial: 100ms, max: 1s}"}};
  for (const auto& [key, value] : collector) keys[key] = value;
  std::string section = "collector:\n";
  for (const auto& [key, value] : keys) section += "  " + key + ": " + value + "\n";
  // extra_yaml may bring its own agent section (with labels); it must then set the id itself.
  const bool own_agent_section = extra_yaml.rfind("agent:", 0) == 0;
  return (own_agent_section ? std::string() : "agent: {id: " + agent_id + "}\n") + section +
         "spool: {path: " + spool + "}\n" +
         (extra_yaml.find("health:") == std::string::npos ? "health: {interval: 1s}\n" : "") +
         // The host's security scan is left to the tests that ask for one.
         (extra_yaml.find("security:") == std::string::npos ? "security: {enabled: false}\n" : "") +
         extra_yaml;
}

std::unique_ptr<Process> Harness::StartAnotherAgent(const std::string& agent_id,
                                                    const std::string& token,
                                                    const std::string& extra_yaml) {
  dir_.Write(agent_id + ".token", token + "\n");
  const std::string config = dir_.Write(
      agent_id + ".yaml", AgentConfigText(agent_id, agent_id + ".token",
                                          "agent-" + agent_id + "/spool.db", extra_yaml, {}));
  return Process::Start({VIGIL_AGENT_BINARY, "--config", config}, dir_.File(agent_id + ".out"),
                        dir_.File(agent_id + ".log"));
}

void Harness::StartAgent(const std::string& agent_id, const std::string& token,
                         const std::string& extra_yaml,
                         const std::map<std::string, std::string>& collector) {
  WriteAgentConfig(agent_id, token, extra_yaml, collector);
  agent_ = Process::Start({VIGIL_AGENT_BINARY, "--config", agent_config()}, dir_.File("agent.out"),
                          dir_.File("agent.log"));
}

std::string Harness::ScrapeText() {
  HttpResult result = HttpGet(http_port_, "/metrics");
  return result.status == 200 ? result.body : std::string();
}

ParsedExposition Harness::Scrape() { return ParseExposition(ScrapeText()); }

std::optional<double> Harness::WaitForValue(const std::string& name,
                                            const std::map<std::string, std::string>& labels,
                                            const std::function<bool(double)>& predicate) {
  std::optional<double> value;
  WaitFor([&] {
    value = Scrape().Value(name, labels);
    return value.has_value() && (!predicate || predicate(*value));
  });
  if (value && predicate && !predicate(*value)) return std::nullopt;
  return value;
}

struct RawPeer::State {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  asio::ssl::stream<tcp::socket> stream{io, tls};
};

RawPeer::RawPeer(std::uint16_t port, const std::string& ca_file)
    : state_(std::make_unique<State>()) {
  state_->tls.load_verify_file(ca_file);
  state_->stream.set_verify_mode(asio::ssl::verify_peer);
  state_->stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  // Reads give up after a few seconds instead of hanging a test.
  timeval timeout{5, 0};
  setsockopt(state_->stream.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
             sizeof timeout);
}

RawPeer::~RawPeer() = default;

bool RawPeer::Handshake() {
  boost::system::error_code ec;
  state_->stream.handshake(asio::ssl::stream_base::client, ec);
  return !ec;
}

void RawPeer::SendPlain(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(state_->stream.next_layer(), asio::buffer(bytes), ec);
}

void RawPeer::Send(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(state_->stream, asio::buffer(bytes), ec);
}

void RawPeer::SendEnvelope(const wire::Envelope& envelope) {
  Send(*EncodeFrame(envelope, 1 << 20));
}

std::optional<wire::Envelope> RawPeer::Read() {
  boost::system::error_code ec;
  FrameHeader header{};
  asio::read(state_->stream, asio::buffer(header), ec);
  if (ec) return std::nullopt;
  Result<std::size_t> length = DecodeFrameLength(header, 1 << 20);
  if (!length) return std::nullopt;
  std::string body(*length, '\0');
  asio::read(state_->stream, asio::buffer(body), ec);
  if (ec) return std::nullopt;
  Result<wire::Envelope> envelope = ParseEnvelope(body);
  if (!envelope) return std::nullopt;
  return *envelope;
}

bool RawPeer::ClosedByPeer() {
  char byte = 0;
  boost::system::error_code ec;
  for (;;) {
    // Past the handshake the TLS layer reads; before it, the raw socket does.
    const std::size_t n = state_->stream.next_layer().read_some(asio::buffer(&byte, 1), ec);
    if (ec) return ec != asio::error::would_block && ec != asio::error::try_again;
    if (n == 0) return true;
  }
}

std::vector<std::string> PromtoolProblems(const TempDir& dir, const std::string& exposition) {
  const std::string file = dir.Write("promtool-input.txt", exposition);
  CommandResult check = RunCommand({"sh", "-c", "promtool check metrics < " + file});
  std::vector<std::string> problems;
  if (check.exit_code != 0 && check.exit_code != 3) {  // 3: lints only
    problems.push_back("promtool exited with " + std::to_string(check.exit_code));
  }
  std::istringstream lines(check.out + check.err);
  for (std::string line; std::getline(lines, line);) {
    const bool node_name = line.rfind("node_", 0) == 0;
    const bool kept = node_name && (line.find("camelCase") != std::string::npos ||
                                    line.find("\"bits\"") != std::string::npos);
    if (!line.empty() && !kept) problems.push_back(line);
  }
  return problems;
}

bool ContainsSecret(const std::string& text, const std::string& token) {
  return !token.empty() && text.find(token) != std::string::npos;
}

}  // namespace vigil::testing
