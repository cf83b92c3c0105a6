# vigil-agent %preun: on erase ($1 = 0) the agent stops and its unit is disabled.
if [ "$1" -eq 0 ]; then
    systemctl disable --now vigil-agent.service >/dev/null 2>&1 || :
fi
exit 0
