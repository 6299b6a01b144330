--TEST--
Releaser::start() without a `start` option: EasySwoole's command line chosen per release from vendor/composer/installed.json (both shapes, pretty or minified) and the entry script; the mode picks the mode file and -mode=M is written with '='
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('easyswoole-detect');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$world = bg_app_world($box, $a);
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $a);
[$log, $lines] = bg_log_recorder();
$opts = ['root' => $world['root'], 'ports' => [$a, $b], 'health' => ['path' => '/health', 'timeout' => 10],
    'stop_timeout' => 5, 'drain_timeout' => 0, 'nginx' => ['conf' => $conf, 'upstream' => 'app'], 'log' => $log];
$name = fn (string $s) => str_replace([$box, (string) $a, (string) $b, PHP_BINARY], ['BOX', 'A', 'B', 'PHP'],
    preg_replace('/release-\d{8}T\d{6}-[0-9a-f]{7}(-\d+)?/', 'RELEASE', $s));

// installed.json as Composer writes it: 1.x a list of packages, 2.x an
// object with "packages"; pretty-printed, or minified (where PHP's encoder
// also escapes '/').
$pkg = fn (string $n, string $v, array $require = []) => ['name' => $n, 'version' => $v,
    'version_normalized' => preg_match('/^v?(\d+\.\d+\.\d+)$/', $v, $m) ? "$m[1].0" : $v,
    'require' => ['php' => '>=7.1'] + $require, 'type' => 'library',
    'authors' => [['name' => 'YF', 'email' => 'admin@fosuss.com']]];
$installed = fn (string $version, int $composer, bool $pretty) => json_encode($composer === 2
    ? ['packages' => [
        // Listed first, naming easyswoole/easyswoole in its "require", with a
        // version of its own: not EasySwoole's version.
        $pkg('easyswoole/http', '1.2.0', ['easyswoole/easyswoole' => '^3.5']),
        $pkg('easyswoole/easyswoole', $version)], 'dev' => true, 'dev-package-names' => []]
    : [$pkg('easyswoole/http', '1.2.0', ['easyswoole/easyswoole' => '^3.3']), $pkg('easyswoole/easyswoole', $version)],
    $pretty ? JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES : 0);
$entry_old = file_get_contents(BG_APP_SRC . '/easyswoole');
$entry_new = file_get_contents(BG_APP_SRC . '/easyswoole.php');

$case = function (string $label, array $files, array $o = []) use ($world, $opts, $name, $b, &$pids, $lines) {
    static $n = 0;
    echo "-- $label\n";
    $files += ['vendor/composer/installed.json' => null, 'easyswoole' => null, 'easyswoole.php' => null];
    $r = new BlueGreen\Releaser($o + $opts);
    $release = $r->prepare(bg_app_commit($world, 'v' . ++$n, $files));
    $lines->exchangeArray([]);
    try {
        $r->start($release, $b);
    } catch (Throwable $e) {
        echo get_class($e), ': ', $name($e->getMessage()), "\n";
        return;
    }
    foreach ($lines as $l) {
        if (str_starts_with($l['message'], 'start: command')) {
            echo $l['level'], ' [', $l['ctx']['step'] ?? '-', ']: ', $name($l['message']), "\n";
        }
    }
    echo 'argv: ', trim(bg_http_get('127.0.0.1', $b, '/argv')['body'] ?? 'error'), ', answers: ', $name(bg_answer($b)), "\n";
    if (isset($o['mode'])) {
        preg_match("/'PORT' => (\\d+)/", file_get_contents("$release->path/dev.php"), $m);
        echo "dev.php untouched, naming port ", $name($m[1]), "\n";
    }
    $pids = array_merge($pids, bg_socket_holders($b));
    $r->stop($b);
};

$case('3.3: Composer 1, pretty-printed', ['vendor/composer/installed.json' => $installed('3.3.7', 1, true),
    'easyswoole' => $entry_old]);
$case('3.5: Composer 2, minified; the version wins over an easyswoole.php beside it',
    ['vendor/composer/installed.json' => $installed('3.5.1', 2, false), 'easyswoole' => $entry_old,
    'easyswoole.php' => $entry_new]);
$case('3.7: Composer 2, pretty-printed, "v" prefix', ['vendor/composer/installed.json' => $installed('v3.7.0', 2, true),
    'easyswoole.php' => $entry_new]);
$case('3.7 upgraded from 3.5 without `install`: the old entry script, the new grammar',
    ['vendor/composer/installed.json' => $installed('3.7.1', 2, true), 'easyswoole' => $entry_old]);
$case('a numbered branch: 3.4.x-dev', ['vendor/composer/installed.json' => $installed('3.4.x-dev', 1, false),
    'easyswoole' => $entry_old]);
$case('a named branch: dev-master, so the entry script decides', ['vendor/composer/installed.json' => $installed('dev-master', 1, false),
    'easyswoole' => $entry_old, 'easyswoole.php' => $entry_new]);
$case('installed.json that is not JSON', ['vendor/composer/installed.json' => '{"packages": [', 'easyswoole' => $entry_old]);
$case('no vendor at all, easyswoole only: the seed\'s form', ['easyswoole' => $entry_old]);
$case('no vendor at all, both entry scripts', ['easyswoole' => $entry_old, 'easyswoole.php' => $entry_new]);
$case('no entry script', []);

echo "== mode => 'produce': produce.php is the mode file and the port file\n";
// dev.php names the live port A: a service that read it would not answer on B.
$produce = ['produce.php' => preg_replace("/'PORT' => 9501/", "'PORT' => $b", file_get_contents(BG_APP_SRC . '/produce.php'))];
$case('3.5, produce', $produce + ['vendor/composer/installed.json' => $installed('3.5.1', 2, true),
    'easyswoole' => $entry_old], ['mode' => 'produce']);
$case('3.3, produce', $produce + ['vendor/composer/installed.json' => $installed('3.3.7', 2, true),
    'easyswoole' => $entry_old], ['mode' => 'produce']);
$case('3.3 knows no other mode', $produce + ['vendor/composer/installed.json' => $installed('3.3.7', 2, true),
    'easyswoole' => $entry_old, 'staging.php' => $produce['produce.php']], ['mode' => 'staging']);

echo "== a given `start` is used as is, and not logged as chosen\n";
$case('given', ['easyswoole' => $entry_old, 'easyswoole.php' => $entry_new],
    ['start' => [PHP_BINARY, 'easyswoole', 'server', 'start', '-d', '-mode=dev']]);

foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('easyswoole-detect');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- 3.3: Composer 1, pretty-printed
info [start]: start: command `PHP easyswoole start d`: vendor/composer/installed.json: easyswoole/easyswoole 3.3.7, the EasySwoole 3.3 form
argv: ["easyswoole","start","d"], answers: version=v1 port=B
-- 3.5: Composer 2, minified; the version wins over an easyswoole.php beside it
info [start]: start: command `PHP easyswoole server start -d -mode=dev`: vendor/composer/installed.json: easyswoole/easyswoole 3.5.1, the EasySwoole 3.4-3.5 form
argv: ["easyswoole","server","start","-d","-mode=dev"], answers: version=v2 port=B
-- 3.7: Composer 2, pretty-printed, "v" prefix
info [start]: start: command `PHP easyswoole.php server start -d -mode=dev`: vendor/composer/installed.json: easyswoole/easyswoole v3.7.0, the EasySwoole 3.6+ form
argv: ["easyswoole.php","server","start","-d","-mode=dev"], answers: version=v3 port=B
-- 3.7 upgraded from 3.5 without `install`: the old entry script, the new grammar
info [start]: start: command `PHP easyswoole server start -d -mode=dev`: vendor/composer/installed.json: easyswoole/easyswoole 3.7.1, the EasySwoole 3.6+ form; there is no easyswoole.php, so through easyswoole
argv: ["easyswoole","server","start","-d","-mode=dev"], answers: version=v4 port=B
-- a numbered branch: 3.4.x-dev
info [start]: start: command `PHP easyswoole server start -d -mode=dev`: vendor/composer/installed.json: easyswoole/easyswoole 3.4.x-dev, the EasySwoole 3.4-3.5 form
argv: ["easyswoole","server","start","-d","-mode=dev"], answers: version=v5 port=B
-- a named branch: dev-master, so the entry script decides
info [start]: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (vendor/composer/installed.json: easyswoole/easyswoole dev-master is a branch, not a version)
argv: ["easyswoole.php","server","start","-d","-mode=dev"], answers: version=v6 port=B
-- installed.json that is not JSON
info [start]: start: command `PHP easyswoole start d`: no easyswoole.php entry script, the seed's EasySwoole 3.3 form (vendor/composer/installed.json is not JSON)
argv: ["easyswoole","start","d"], answers: version=v7 port=B
-- no vendor at all, easyswoole only: the seed's form
info [start]: start: command `PHP easyswoole start d`: no easyswoole.php entry script, the seed's EasySwoole 3.3 form (no vendor/composer/installed.json)
argv: ["easyswoole","start","d"], answers: version=v8 port=B
-- no vendor at all, both entry scripts
info [start]: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
argv: ["easyswoole.php","server","start","-d","-mode=dev"], answers: version=v9 port=B
-- no entry script
BlueGreen\ConfigException: cannot start BOX/releases/RELEASE: it has neither easyswoole.php (EasySwoole 3.6+) nor easyswoole (3.3 to 3.5) as entry script; set the `start` option
== mode => 'produce': produce.php is the mode file and the port file
-- 3.5, produce
info [start]: start: command `PHP easyswoole server start -d -mode=produce`: vendor/composer/installed.json: easyswoole/easyswoole 3.5.1, the EasySwoole 3.4-3.5 form
argv: ["easyswoole","server","start","-d","-mode=produce"], answers: version=v11 port=B
dev.php untouched, naming port A
-- 3.3, produce
info [start]: start: command `PHP easyswoole start d produce`: vendor/composer/installed.json: easyswoole/easyswoole 3.3.7, the EasySwoole 3.3 form
argv: ["easyswoole","start","d","produce"], answers: version=v12 port=B
dev.php untouched, naming port A
-- 3.3 knows no other mode
BlueGreen\ConfigException: option "mode" is "staging", but EasySwoole 3.3 starts only dev and produce (vendor/composer/installed.json: easyswoole/easyswoole 3.3.7, the EasySwoole 3.3 form); set the `start` option
== a given `start` is used as is, and not logged as chosen
-- given
argv: ["easyswoole","server","start","-d","-mode=dev"], answers: version=v14 port=B
