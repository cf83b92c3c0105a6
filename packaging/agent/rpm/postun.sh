# vigil-agent %postun: on upgrade ($1 >= 1) a running agent restarts on the new binary. The spool in
# /var/lib/vigil-agent stays on erase, as RPM leaves state for the admin.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -ge 1 ]; then
        systemctl try-restart vigil-agent.service >/dev/null 2>&1 || :
    fi
fi
exit 0
