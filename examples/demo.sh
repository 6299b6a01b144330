#!/usr/bin/env bash
# bluegreen's demo: the main job on this machine, in one command.
#
# On a fresh Debian machine it installs what is missing (as root), builds the
# extension, and plays a deploy story in a temporary sandbox: a bare git
# remote holding a demo app, nginx on a loopback port, v1 live on 9501, a
# releaser running and requests flowing through nginx with a live count; v2
# is pushed and goes live on 9502; a broken v3 is refused while v2 keeps
# serving; a rollback brings v1 back. It ends with a summary (deploys,
# requests, failed requests, time per step), and stops everything it
# started, by pid, when done or interrupted (Ctrl-C).
#
#   examples/demo.sh
#   BLUEGREEN_DEMO_PORTS=19501,19502 examples/demo.sh   when 9501/9502 are taken
#   BLUEGREEN_DEMO_KEEP=1 examples/demo.sh              keep the sandbox to look at
#   BLUEGREEN_DEMO_SWITCH=socket examples/demo.sh       the same story with the socket switch
set -euo pipefail

. "$(dirname "$0")/demo/build.sh" examples/demo.sh
exec php -d "extension=$ext" examples/demo/demo.php "$ext"
