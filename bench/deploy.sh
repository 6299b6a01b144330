#!/usr/bin/env bash
# The deploy benchmark (not a test): bluegreen, the seed's strategy and a
# bare nginx reload, N deploys each (default 20) under wrk load through
# nginx, with Connection: close and keep-alive clients. See bench/deploy.php.
#
#   bench/deploy.sh [deploys] [seconds between deploys] [strategies: bluegreen,socket,seed,reload]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash tests/install-packages.sh bench/deploy.sh php-dev php-cli libgit2-dev libhiredis-dev libcurl4-openssl-dev pkg-config make gcc git nginx-light wrk
if [ ! -f Makefile ] || [ config.m4 -nt Makefile ]; then
	phpize >/dev/null 2>&1 && ./configure --with-bluegreen >/dev/null
fi
make -s -j"$(nproc)" >/dev/null
exec php -d "extension=$top/modules/bluegreen.so" bench/deploy.php "$@"
