#pragma once
// The agent's TLS stream to the collector: connects (trying each configured address in turn),
// says Hello, then sends every spooled batch in order and forgets each one only when an Ack covers
// it. Reconnects with exponential backoff and jitter; pings when idle; on Drain() sends what it
// can, says Goodbye and stops.
//
// Threading: every member must be called from the thread that runs the executor's io_context, which
// must run on one thread only (the agent's design); the Uplink never blocks it except for the
// spool's SQLite writes.

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/units.h"

namespace boost::asio::ssl {
class context;
}

namespace vigil::agent {

class Spool;

struct UplinkOptions {
  std::vector<std::string> addresses;  // host:port
  std::string server_name;             // verified against the collector's certificate
  Duration timeout{std::chrono::seconds(10)};
  BackoffPolicy reconnect;
  std::size_t max_in_flight = 32;
  std::size_t max_frame_bytes = 4 << 20;
  // What Hello says.
  std::string agent_id;
  std::string token;
  std::string hostname;
  std::map<std::string, std::string> labels;

  bool operator==(const UplinkOptions&) const = default;
};

struct UplinkStats {
  bool connected = false;
  std::uint64_t batches_acked = 0;  // since the process started
  std::uint64_t connections = 0;    // successful Hello exchanges since the process started
};

class Uplink {
 public:
  // `clock`: the monotonic time heartbeats are measured on.
  Uplink(boost::asio::any_io_executor executor, Spool& spool, UniformRandom random,
         const Clock& clock = RealClock());
  ~Uplink();
  Uplink(const Uplink&) = delete;
  Uplink& operator=(const Uplink&) = delete;

  // Sets the connection settings. Before Start() they are simply stored; afterwards, when they
  // differ from the current ones, the current connection is closed and the next uses them.
  void Configure(UplinkOptions options, std::shared_ptr<boost::asio::ssl::context> tls);
  void Start();
  // A batch was appended to the spool.
  void Wake();
  // Stops reconnecting; if connected, keeps sending until the spool is empty or `timeout` passes,
  // then says Goodbye and closes. `done` runs on the executor when everything has stopped.
  void Drain(Duration timeout, std::function<void()> done);

  const UplinkStats& stats() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace vigil::agent
