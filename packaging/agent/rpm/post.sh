# vigil-agent %post: the state folder, and the unit enabled on a first install ($1 = 1). The unit
# starts once /etc/vigil/agent.token exists (ConditionPathExists). An upgrade restarts a running
# agent on the new binary (%postun).
install -d -m 0750 -o vigil-agent -g vigil-agent /var/lib/vigil-agent
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
    systemctl enable vigil-agent.service >/dev/null 2>&1 || :
fi
exit 0
