#!/bin/sh
# Chromium in a network namespace of its own (see isolated-chromium.ts): loopback up, the pipe to the test process's
# SOCKS proxy listening, then Chromium with the arguments Playwright gave.
set -e
if [ -z "$ESTATE_NETNS_INSIDE" ]; then
  ESTATE_NETNS_INSIDE=1 exec unshare --net "$0" "$@"
fi
ip link set lo up
"$ESTATE_NETNS_NODE" "$ESTATE_NETNS_PIPE" &
while [ ! -e "$ESTATE_NETNS_READY" ]; do sleep 0.02; done
exec "$ESTATE_CHROMIUM_REAL" "$@"
