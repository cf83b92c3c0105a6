# vigil-agent %pre: the system user, before the files that name its group arrive.
if ! getent passwd vigil-agent >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/vigil-agent --no-create-home \
        --shell /sbin/nologin --comment "Vigil agent" vigil-agent
fi
exit 0
