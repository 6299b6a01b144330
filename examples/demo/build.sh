# Sourced by examples/demo.sh and examples/fleet-demo.sh: installs the Debian
# packages named that are missing (as root, through tests/install-packages.sh)
# and builds the extension (incrementally when it was built before). Leaves
# the working directory at the checkout's top and $ext naming the module.
#
#   . examples/demo/build.sh <who is asking> [extra package...]

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"

bash tests/install-packages.sh "$1" \
	php-dev php-cli libgit2-dev libhiredis-dev libcurl4-openssl-dev pkg-config make gcc git nginx-light "${@:2}"

if [ ! -f Makefile ] || [ config.m4 -nt Makefile ]; then
	echo "$1: building the extension"
	phpize >/tmp/bluegreen-demo-phpize.log 2>&1 || { cat /tmp/bluegreen-demo-phpize.log >&2; exit 1; }
	./configure --with-bluegreen >/tmp/bluegreen-demo-configure.log 2>&1 \
		|| { tail -n 20 /tmp/bluegreen-demo-configure.log >&2; exit 1; }
fi
make -s -j"$(nproc)" >/dev/null

ext="$top/modules/bluegreen.so"
