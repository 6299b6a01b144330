--TEST--
fleet: a store named by a host name whose DNS server never answers (a network namespace of its own, its resolv.conf naming a silent server on loopback) is bounded by fleet.timeout, for Redis (the name resolved by bluegreen with getaddrinfo_a, hiredis's own lookup being unbounded) and for etcd (libcurl's threaded resolver not waited for); a name in /etc/hosts is still looked up and connected to (refused)
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind');
if (posix_geteuid() !== 0) die('skip needs root: unshare -mn');
if (!is_file('/etc/resolv.conf')) die('skip no /etc/resolv.conf to bind a silent resolver over');
$p = @proc_open(['unshare', '-mn', 'true'], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
if (!$p || proc_close($p) !== 0) die('skip unshare -mn does not work here');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require_once __DIR__ . '/inc/common.inc';
$box = bg_sandbox('fleet-store-dns');
$res = bg_run(['unshare', '-mn', '--', PHP_BINARY, '-d', 'extension=' . realpath(__DIR__ . '/../modules/bluegreen.so'),
    __DIR__ . '/fixtures/fleet_dns.php', $box, 'redis://fleet-store.invalid:6379/0', 'etcd://fleet-store.invalid:2379',
    'redis://localhost:1/0'], $box, 30);
echo "exit {$res['exit']}\n", $res['output'];
bg_rmrf($box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('fleet-store-dns'));
?>
--EXPECT--
exit 0
silent DNS server: up
redis://fleet-store.invalid:6379/0: status() within 1.5 s: true; the fleet's store (redis at fleet-store.invalid:6379): cannot resolve fleet-store.invalid: no answer within fleet.timeout (0.5 s)
etcd://fleet-store.invalid:2379: status() within 1.5 s: true; the fleet's store (etcd at fleet-store.invalid:2379): /v3/kv/range: no answer within fleet.timeout (0.5 s)
redis://localhost:1/0: status() within 1.5 s: true; the fleet's store (redis at localhost:1): cannot connect: Connection refused
