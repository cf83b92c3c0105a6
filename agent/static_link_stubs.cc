// Linked after libdbus-1.a wherever that archive is (the static agent and its tests).
// libdbus-1.a's socket code also holds the bus daemon's systemd socket activation, which calls
// libsystemd's sd_listen_fds and sd_is_socket; libsystemd has no static archive, and a D-Bus client
// (the agent) never listens on activated sockets. These definitions say "no sockets were passed",
// which is what the daemon code would hear anyway outside socket activation.

extern "C" {

int sd_listen_fds(int /*unset_environment*/) { return 0; }

int sd_is_socket(int /*fd*/, int /*family*/, int /*type*/, int /*listening*/) { return 0; }

}  // extern "C"
