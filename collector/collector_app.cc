#include "collector/collector_app.h"

#include <prometheus/registry.h>

#include <atomic>
#include <boost/asio/ssl/context.hpp>

#include "collector/http_server.h"
#include "collector/ingest_metrics.h"
#include "collector/ingest_server.h"
#include "collector/live_state.h"
#include "collector/metrics_text.h"
#include "collector/store.h"
#include "common/clock.h"
#include "common/exposition.h"
#include "common/log.h"
#include "common/tls.h"

namespace vigil::collector {
namespace {

IngestOptions ToIngestOptions(const config::CollectorConfig::Limits& limits) {
  IngestOptions options;
  options.max_connections = static_cast<std::size_t>(limits.max_connections);
  options.max_frame_bytes = limits.max_frame_bytes;
  options.handshake_timeout = limits.handshake_timeout;
  options.hello_timeout = limits.hello_timeout;
  options.idle_timeout = limits.idle_timeout;
  options.connection_rate_per_ip = static_cast<double>(limits.connection_rate_per_ip);
  options.connection_burst_per_ip = static_cast<double>(limits.connection_burst_per_ip);
  options.revocation_check_interval = limits.revocation_check_interval;
  return options;
}

HttpLimits ToHttpLimits(const config::CollectorConfig::Limits& limits) {
  return {static_cast<std::size_t>(limits.max_http_connections), limits.max_http_request_bytes,
          limits.http_timeout};
}

Result<std::shared_ptr<boost::asio::ssl::context>> LoadTls(const config::CollectorConfig& config) {
  return MakeServerTlsContext(
      {config.tls.cert_file, config.tls.key_file, config.tls.client_ca_file});
}

}  // namespace

class CollectorApp::Impl {
 public:
  Impl(std::shared_ptr<const config::CollectorConfig> config, std::unique_ptr<Store> store)
      : config_(std::move(config)),
        store_(std::move(store)),
        live_({static_cast<std::size_t>(config_->limits.max_series_per_agent),
               static_cast<std::size_t>(config_->limits.max_metric_names)}),
        metrics_(registry_) {
    prometheus::BuildGauge()
        .Name("vigil_collector_build_info")
        .Help("Always 1; the collector's version is in the label.")
        .Register(registry_)
        .Add({{"version", VIGIL_VERSION}})
        .Set(1);
  }

  Status Bind(boost::asio::io_context& io) {
    auto tls = LoadTls(*config_);
    if (!tls) return tls.error();
    auto ingest = IngestServer::Create(io, config_->listen.ingest, std::move(*tls),
                                       ToIngestOptions(config_->limits), *store_, live_, metrics_,
                                       RealClock());
    if (!ingest) return ingest.error();
    ingest_ = std::move(*ingest);
    auto http = HttpServer::Create(io, config_->listen.http, ToHttpLimits(config_->limits),
                                   [this](const HttpRequest& request) { return Route(request); });
    if (!http) return http.error();
    http_ = std::move(*http);
    return OkStatus();
  }

  void Start() {
    for (const std::string& path : config_->not_yet_supported) {
      LogWarning(path + " is set but not acted on by this version of the collector");
    }
    ingest_->Start();
    http_->Start();
    ready_ = true;
  }

  void Stop() {
    ready_ = false;
    ingest_->Stop();
    http_->Stop();
  }

  bool Drained() const { return ingest_->Drained() && http_->Drained(); }

  void Reload(std::shared_ptr<const config::CollectorConfig> config) {
    if (config->listen.ingest != config_->listen.ingest ||
        config->listen.http != config_->listen.http) {
      LogWarning("listen addresses changed: restart the collector to apply them");
    }
    if (config->store.sqlite != config_->store.sqlite) {
      LogWarning("store changed: restart the collector to apply it");
    }
    if (config->limits.max_series_per_agent != config_->limits.max_series_per_agent ||
        config->limits.max_metric_names != config_->limits.max_metric_names) {
      LogWarning("limits.max_series_per_agent and limits.max_metric_names apply after a restart");
    }
    auto tls = LoadTls(*config);
    if (!tls) {
      LogError("reload: " + tls.error().message + "; keeping the previous certificates");
      return;
    }
    ingest_->Reconfigure(ToIngestOptions(config->limits), std::move(*tls));
    http_->SetLimits(ToHttpLimits(config->limits));
    SetLogLevel(config->log_level);
    config_ = std::move(config);
    LogInfo("configuration reloaded");
  }

  std::uint16_t ingest_port() const { return ingest_->port(); }
  std::uint16_t http_port() const { return http_->port(); }

 private:
  HttpResponse Route(const HttpRequest& request) {
    if (request.method != "GET" && request.method != "HEAD") {
      return JsonError(405, "method_not_allowed", request.method + " is not allowed here");
    }
    if (request.path == "/metrics") {
      std::vector<prometheus::MetricFamily> families = registry_.Collect();
      std::vector<prometheus::MetricFamily> live = live_.Collect();
      families.insert(families.end(), std::make_move_iterator(live.begin()),
                      std::make_move_iterator(live.end()));
      return {200, kExpositionContentType, RenderText(families)};
    }
    if (request.path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (request.path == "/readyz") {
      if (ready_) return {200, "text/plain; charset=utf-8", "ready\n"};
      return {503, "text/plain; charset=utf-8", "not ready\n"};
    }
    return JsonError(404, "not_found", "no such endpoint: " + request.path);
  }

  std::shared_ptr<const config::CollectorConfig> config_;
  std::unique_ptr<Store> store_;
  prometheus::Registry registry_;
  LiveState live_;
  IngestMetrics metrics_;
  std::unique_ptr<IngestServer> ingest_;
  std::unique_ptr<HttpServer> http_;
  std::atomic<bool> ready_{false};
};

Result<std::unique_ptr<CollectorApp>> CollectorApp::Create(
    boost::asio::io_context& io, std::shared_ptr<const config::CollectorConfig> config) {
  auto store = OpenSqliteStore(config->store.sqlite);
  if (!store) return store.error();
  auto impl = std::make_unique<Impl>(std::move(config), std::move(*store));
  if (Status bound = impl->Bind(io); !bound) return bound.error();
  return std::unique_ptr<CollectorApp>(new CollectorApp(std::move(impl)));
}

CollectorApp::CollectorApp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CollectorApp::~CollectorApp() = default;
void CollectorApp::Start() { impl_->Start(); }
void CollectorApp::Stop() { impl_->Stop(); }
bool CollectorApp::Drained() const { return impl_->Drained(); }
void CollectorApp::Reload(std::shared_ptr<const config::CollectorConfig> config) {
  impl_->Reload(std::move(config));
}
std::uint16_t CollectorApp::ingest_port() const { return impl_->ingest_port(); }
std::uint16_t CollectorApp::http_port() const { return impl_->http_port(); }

}  // namespace vigil::collector
