--TEST--
fleet: a store that does not answer (silent, or refusing) bounds each tick by fleet.timeout, nothing switches, the live release keeps serving, the error is logged and in status() with the store's password masked; bad fleet options are ValueErrors naming the key
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('fleet-store-down');
$pids = [];
bg_cleanup_at_exit($box, $pids);

foreach ([
    ['name' => 'shop'],
    ['store' => 'http://127.0.0.1:1', 'name' => 'shop'],
    ['store' => 'redis://:secret@127.0.0.1:1/0'],
    ['store' => 'redis://127.0.0.1:1/0', 'name' => 'shop/x'],
    ['store' => 'redis://127.0.0.1:1/0', 'name' => 'shop', 'parallel' => 0],
    ['store' => 'redis://127.0.0.1:1/0', 'name' => 'shop', 'slots' => 2],
    ['store' => 'redis://127.0.0.1:1/0', 'name' => 'shop', 'canary' => ['hosts' => -1]],
    ['store' => 'redis://127.0.0.1:1/0', 'name' => 'shop', 'on_halt' => 'retry'],
] as $fleet) {
    bg_expect_throw(fn () => new BlueGreen\Releaser(bg_min_options($box, ['fleet' => $fleet])));
}
$r = new BlueGreen\Releaser(bg_min_options($box, ['fleet' => ['store' => 'redis://:secret@127.0.0.1:1/0', 'name' => 'shop',
    'host' => 'web-1']]));
ob_start();
var_dump($r);
$dump = ob_get_clean();
preg_match('/\["fleet"\]=>\s*array\(\d+\) \{(.*?)\n  \}/s', $dump, $m);
echo "var_dump: ", preg_replace('/\s+/', ' ', $m[1] ?? $dump), "\n";
echo "the password shown: ", var_export(str_contains($dump, 'secret'), true), "\n";

$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, $s);
[$silent] = bg_free_ports();
$stall = bg_start_server([PHP_BINARY, __DIR__ . '/fixtures/stall_server.php', (string) $silent, 'silent'], $silent,
    "$box/stall.pid");
[$closed] = bg_free_ports();
bg_app_commit($scene, 'v2');
foreach (["redis://:secret@127.0.0.1:$silent/0", "etcd://127.0.0.1:$silent", "redis://127.0.0.1:$closed/0"] as $url) {
    [$log, $lines] = bg_log_recorder();
    $r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log,
        'fleet' => ['store' => $url, 'name' => 'shop', 'host' => 'web-1', 'timeout' => 0.5]]));
    $t = microtime(true);
    $res = $r->tick();
    $took = microtime(true) - $t;
    $names = fn ($s) => str_replace([(string) $silent, (string) $closed], ['SILENT', 'CLOSED'], $n($s));
    echo "\n", $names($url), ":\n  tick: ", var_export($res, true), ", within 3 s: ", var_export($took < 3, true), "\n";
    foreach ($lines as $l) {
        if (str_starts_with($l['message'], 'fleet')) {
            echo "  ", $l['level'], " ", preg_replace('/[0-9a-f]{7} is not/', 'SHA is not', $names($l['message'])), "\n";
        }
    }
    $fleet = $r->status()['fleet'];
    echo "  status: rollout ", var_export($fleet['rollout'], true), ", error ", $names((string) $fleet['error']) === '' ? 'none' : 'set',
        ", password shown: ", var_export(str_contains(print_r($fleet, true), 'secret'), true), "\n";
    echo "  nginx answers ", $n(bg_answer($scene['listen'])), "\n";
}
$conf = bg_cli_config("$box/bluegreen.php", ['log' => "$box/cli.log"] + bg_deploy_options($scene,
    ['fleet' => ['store' => "redis://:secret@127.0.0.1:$closed/0", 'name' => 'shop', 'timeout' => 0.5]]));
$res = bg_cli(['--config', $conf, 'fleet', 'status'], $box);
echo "\nbin/bluegreen fleet status: exit {$res['exit']}: ", str_replace((string) $closed, 'CLOSED', $res['out'] . $res['err']);
$res = bg_cli(['--config', $conf, 'fleet', 'pause'], $box);
echo "bin/bluegreen fleet pause: exit {$res['exit']}: ", str_replace((string) $closed, 'CLOSED', strtok($res['err'], "\n")), "\n";
$res = bg_cli(['--config', $conf, 'fleet', 'stop'], $box);
echo "bin/bluegreen fleet stop: exit {$res['exit']}: ", strtok($res['err'], "\n"), "\n";
bg_stop_server($stall, "$box/stall.pid");
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('fleet-store-down');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_pidfile("$box/stall.pid");
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
ValueError: Option "fleet.store" is required: "redis://host:port/db" or "etcd://host:port"
ValueError: Option "fleet.store" must be "redis://host:port/db" or "etcd://host:port"
ValueError: Option "fleet.name" is required: the fleet's name in the store
ValueError: Option "fleet.name" must be 1 to 63 letters, digits, '.', '_' or '-', "shop/x" given
ValueError: Option "fleet.parallel" must be between 1 and 16, 0 given
ValueError: Unknown option "fleet.slots"
ValueError: Option "fleet.canary.hosts" must be between 0 and 64, -1 given
ValueError: Option "fleet.on_halt" must be 'rollback' or 'stay', "retry" given
var_dump:  ["store"]=> string(26) "redis://:***@127.0.0.1:1/0" ["name"]=> string(4) "shop" ["host"]=> string(5) "web-1" ["parallel"]=> int(1) ["slot_ttl"]=> float(30) ["timeout"]=> float(2) ["on_halt"]=> string(8) "rollback" ["canary"]=> array(2) { ["hosts"]=> int(0) ["soak"]=> float(0) }
the password shown: false

redis://:secret@127.0.0.1:SILENT/0:
  tick: NULL, within 3 s: true
  error fleet: the fleet's store (redis at 127.0.0.1:SILENT): AUTH: no answer within fleet.timeout (T); SHA is not switched to this tick, the live release keeps serving
  status: rollout NULL, error set, password shown: false
  nginx answers version=v1 port=A

etcd://127.0.0.1:SILENT:
  tick: NULL, within 3 s: true
  error fleet: the fleet's store (etcd at 127.0.0.1:SILENT): /v3/kv/range: no answer within fleet.timeout (T); SHA is not switched to this tick, the live release keeps serving
  status: rollout NULL, error set, password shown: false
  nginx answers version=v1 port=A

redis://127.0.0.1:CLOSED/0:
  tick: NULL, within 3 s: true
  error fleet: the fleet's store (redis at 127.0.0.1:CLOSED): cannot connect: Connection refused; SHA is not switched to this tick, the live release keeps serving
  status: rollout NULL, error set, password shown: false
  nginx answers version=v1 port=A

bin/bluegreen fleet status: exit 1: bluegreen: fleet status: the fleet's store (redis at 127.0.0.1:CLOSED): cannot connect: Connection refused
bin/bluegreen fleet pause: exit 1: fleet failed: the fleet's store (redis at 127.0.0.1:CLOSED): cannot connect: Connection refused
bin/bluegreen fleet stop: exit 2: bluegreen: fleet takes one subcommand: status, pause, resume or abort
