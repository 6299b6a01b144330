#!/usr/bin/env bash
# bluegreen's fleet demo: three hosts rolling commits out together, on this
# machine, in one command.
#
# On a fresh Debian machine it installs what is missing (as root), builds the
# extension, and plays a fleet story in a temporary sandbox: three hosts on
# 127.0.0.2, 127.0.0.3 and 127.0.0.4 (each its own nginx, blue/green pair,
# releases_dir and releaser in run()), a front nginx on 127.0.0.1 balancing
# over them with requests flowing through it the whole time, and a
# redis-server on a free loopback port as the fleet's store. v2 is pushed and
# rolls out with a canary (one host first, a 2 s soak), then one host at a
# time; h3's releaser is stopped and v3 rolls out to h1 and h2; a broken v4
# fails on its canary and halts the fleet (no other host runs it); h3's
# releaser comes back and converges to v3, the last done commit. It prints
# `bin/bluegreen fleet status` after each step, ends with the request counts,
# exits non-zero if a request failed or a step did not happen, and stops
# everything it started, by pid, when done or interrupted (Ctrl-C).
#
#   examples/fleet-demo.sh
#   BLUEGREEN_FLEET_STORE=etcd examples/fleet-demo.sh   the same story with etcd as the store
#   BLUEGREEN_DEMO_KEEP=1 examples/fleet-demo.sh        keep the sandbox to look at
set -euo pipefail

store=${BLUEGREEN_FLEET_STORE:-redis}
case "$store" in
redis) package=redis-server ;;
etcd) package=etcd-server ;;
*) echo "examples/fleet-demo.sh: BLUEGREEN_FLEET_STORE must be redis or etcd, \"$store\" given" >&2; exit 2 ;;
esac

. "$(dirname "$0")/demo/build.sh" examples/fleet-demo.sh "$package"
exec php -d "extension=$ext" examples/demo/fleet.php "$ext" "$store"
