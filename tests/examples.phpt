--TEST--
examples/: every PHP file lints; the nginx configs pass nginx -t as given under a prefix; the options file makes a Releaser with no path edited; the EasySwoole wiring ticks, and refuses a missing argument by name; standalone.php ticks; the systemd unit verifies
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (!is_dir(__DIR__ . '/../examples')) die('skip no examples/ beside tests/');
?>
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$ex = realpath(__DIR__ . '/../examples');
$box = bg_sandbox('examples');
$n = fn (string $s) => str_replace([$box, $ex], ['BOX', 'EX'], $s);

echo "-- php -l, every PHP file under examples/\n";
$files = [];
foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($ex, FilesystemIterator::SKIP_DOTS)) as $f) {
    if (str_ends_with($f->getFilename(), '.php')) {
        $files[] = $f->getPathname();
    }
}
sort($files);
foreach ($files as $file) {
    $res = bg_run([PHP_BINARY, '-n', '-l', $file], $box);
    echo $n($file), ': ', $res['exit'] === 0 ? 'ok' : $n($res['output']), "\n";
}

echo "-- the nginx configs, copied as README.md says, pass nginx -t with nothing changed\n";
// The layout of the three steps: BOX plays /srv/app, nginx's prefix BOX/nginx.
$ngx = "$box/nginx";
@mkdir("$ngx/conf/servers", 0755, true);
@mkdir("$ngx/logs", 0755, true);
copy("$ex/easyswoole/nginx.conf", "$ngx/conf/nginx.conf");
copy("$ex/easyswoole/es-release.conf", "$ngx/conf/servers/es-release.conf");
foreach (["$ngx/conf/nginx.conf", "$ngx/conf/servers/es-release.conf"] as $conf) {
    $directives = preg_replace('/#.*$/m', '', file_get_contents($conf));
    preg_match_all('#(?<![\w.$])/(?:run|var|usr|etc|srv|tmp)/\S*#', $directives, $m);
    echo basename($conf), ': no absolute path: ', var_export($m[0] === [], true),
        ', no mime.types: ', var_export(!str_contains($directives, 'mime.types'), true),
        ', listens on: ', preg_match_all('/^\s*listen\s+([^;]+);/m', $directives, $l) ? implode(' ', $l[1]) : 'nothing', "\n";
}
echo 'es-release.conf proxies to the upstream: ',
    var_export(str_contains(file_get_contents("$ex/easyswoole/es-release.conf"), 'proxy_pass http://easyswoole.relase.com;'), true), "\n";
$res = bg_run([bg_nginx_binary(), '-t', '-q', '-p', "$ngx/", '-c', 'conf/nginx.conf'], $box);
echo 'nginx -t: exit ', $res['exit'], $res['output'] === '' ? '' : ': ' . $n($res['output']), "\n";

echo "-- easyswoole/bluegreen.php at the root of the first release, paths from its place: the fixture app and that nginx\n";
$first = bg_app_copy("$box/releases/first");
copy("$ex/easyswoole/bluegreen.php", "$first/bluegreen.php");
$options = (static fn () => require "$first/bluegreen.php")();
echo 'an array: ', var_export(is_array($options), true), ', port_files: ', json_encode($options['port_files']), "\n";
$r = new BlueGreen\Releaser($options);
ob_start();
var_dump($r);
$dump = ob_get_clean();
foreach (['root', 'releases_dir', 'conf', 'prefix', 'main_conf', 'upstream', 'log'] as $key) {
    preg_match('/\["' . $key . '"\]=>\n\s*string\(\d+\) "([^"]*)"/', $dump, $m);
    echo "$key: ", $n($m[1] ?? 'not shown'), "\n";
}
$ports = $r->ports();
echo 'ports(): nginx points to 9501, idle ', $ports['idle'], "\n";

echo "-- the EasySwoole wiring: EasySwooleEvent registers Release, whose run() ticks, then sleeps 30 s a second at a time (woken() ends it)\n";
// As the service would run it: the options file at the project's root, root
// from EASYSWOOLE_ROOT; EasySwoole and Swoole stood in for.
define('EASYSWOOLE_ROOT', $first);
require __DIR__ . '/fixtures/easyswoole_stubs.php';
require "$ex/easyswoole/App/Release/Release.php";
require "$ex/easyswoole/EasySwooleEvent.php";
EasySwoole\EasySwoole\EasySwooleEvent::initialize();
EasySwoole\EasySwoole\EasySwooleEvent::mainServerCreate(new EasySwoole\EasySwoole\Swoole\EventRegister());
$procs = EasySwoole\Component\Process\Manager::getInstance()->processes;
$p = $procs[0];
$c = $p->getConfig();
printf("%d process: %s, name %s, group %s, coroutine %s, arg %s\n", count($procs), get_class($p),
    $c->getProcessName(), $c->getProcessGroup(), var_export($c->isEnableCoroutine(), true), $n($c->getArg()));
try {
    $p->__start();
    echo "run() returned\n";
} catch (Swoole\StopLoop $e) {
    echo 'slept after a tick: ', implode(', ', Swoole\Coroutine::$slept), " s\n";
}
$log = "$box/releases/bluegreen.log";
echo 'tick() logged to releases_dir/bluegreen.log: ', var_export(str_contains((string) @file_get_contents($log), ' tick: '), true), "\n";
// The seed's registration, a name and no options file: refused by name.
try {
    new App\Release\Release('bluegreen');
    echo "new Release('bluegreen'): accepted\n";
} catch (Throwable $e) {
    echo "new Release('bluegreen'): ", get_class($e), ': ', $e->getMessage(), "\n";
}
// An options file that is not there: said once, run() returns, the service serves on.
$c = new EasySwoole\Component\Process\Config();
$c->setArg("$first/missing.php");
$errlog = "$box/php-error.log";
ini_set('error_log', $errlog);
(new App\Release\Release($c))->__start();
echo 'a missing options file: ', $n(trim(preg_replace('/^\[[^]]*\] /m', '', (string) @file_get_contents($errlog)))), "\n";
ini_restore('error_log');

echo "-- standalone.php: run() until SIGTERM\n";
@unlink($log);
$child = bg_spawn([PHP_BINARY, '-n', '-d', 'extension=' . bg_extension(), "$ex/standalone.php"],
    $box, null, ['BLUEGREEN_CONFIG' => "$ex/easyswoole/bluegreen.php", 'BLUEGREEN_ROOT' => $first] + getenv());
$ticked = bg_wait_for(fn () => str_contains((string) @file_get_contents($log), ' tick: '), 20);
echo 'ticked: ', var_export($ticked, true), "\n";
proc_terminate($child['proc'], 15); // SIGTERM; no posix needed (make test runs with -n)
echo 'exit on SIGTERM: ', var_export(bg_wait_exit($child, 20), true), ', ', $n(bg_output($child)) ?: "no output\n";
proc_close($child['proc']);
echo 'logged the stop: ', var_export(str_contains((string) @file_get_contents($log), 'run: SIGTERM received'), true), "\n";
$child = bg_spawn([PHP_BINARY, '-n', '-d', 'extension=' . bg_extension(), "$ex/standalone.php"],
    $box, null, ['BLUEGREEN_CONFIG' => "$box/missing.php"] + getenv());
echo 'a missing options file: exit ', var_export(bg_wait_exit($child, 20), true), ', ', $n(bg_output($child));
proc_close($child['proc']);

echo "-- systemd/bluegreen.service\n";
$unit = file_get_contents("$ex/systemd/bluegreen.service");
foreach (['User=deploy', 'Restart=on-failure', 'KillMode=process', 'ExecStart=/usr/bin/php /srv/app/bluegreen-standalone.php',
    '#   deploy ALL=(root) NOPASSWD: /usr/bin/systemctl reload nginx', "'reload' => ['sudo', '-n', 'systemctl', 'reload', 'nginx']"] as $line) {
    echo "$line: ", var_export(str_contains($unit, $line), true), "\n";
}
echo 'the options file names the same reload: ',
    var_export(str_contains(file_get_contents("$ex/easyswoole/bluegreen.php"), "'reload' => ['sudo', '-n', 'systemctl', 'reload', 'nginx']"), true), "\n";
// systemd-analyze verify, where systemd is installed: it warns on stderr
// about what it cannot parse, and fails for a missing ExecStart binary.
$analyze = trim((string) shell_exec('command -v systemd-analyze'));
if ($analyze !== '') {
    copy("$ex/systemd/bluegreen.service", "$box/bluegreen.service");
    $res = bg_run([$analyze, 'verify', "$box/bluegreen.service"], $box, 30);
}
echo 'systemd-analyze verify: ', $analyze === '' || ($res['exit'] === 0 && trim($res['output']) === '') ? 'no complaint' : $n($res['output']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('examples'));
?>
--EXPECT--
-- php -l, every PHP file under examples/
EX/demo/demo.php: ok
EX/demo/fleet.php: ok
EX/demo/load.php: ok
EX/demo/releaser.php: ok
EX/easyswoole/App/HttpController/Health.php: ok
EX/easyswoole/App/HttpController/Report.php: ok
EX/easyswoole/App/HttpController/Webhook.php: ok
EX/easyswoole/App/Release/PushWebhook.php: ok
EX/easyswoole/App/Release/Release.php: ok
EX/easyswoole/EasySwooleEvent.php: ok
EX/easyswoole/bluegreen.php: ok
EX/easyswoole/dev.php: ok
EX/hooks/slack.php: ok
EX/standalone.php: ok
EX/swoole/server.php: ok
-- the nginx configs, copied as README.md says, pass nginx -t with nothing changed
nginx.conf: no absolute path: true, no mime.types: true, listens on: nothing
es-release.conf: no absolute path: true, no mime.types: true, listens on: 127.0.0.1:8080
es-release.conf proxies to the upstream: true
nginx -t: exit 0
-- easyswoole/bluegreen.php at the root of the first release, paths from its place: the fixture app and that nginx
an array: true, port_files: []
root: BOX/releases/first
releases_dir: BOX/releases
conf: BOX/nginx/conf/nginx.conf
prefix: BOX/nginx
main_conf: BOX/nginx/conf/nginx.conf
upstream: easyswoole.relase.com
log: BOX/releases/bluegreen.log
ports(): nginx points to 9501, idle 9502
-- the EasySwoole wiring: EasySwooleEvent registers Release, whose run() ticks, then sleeps 30 s a second at a time (woken() ends it)
1 process: App\Release\Release, name bluegreen, group bluegreen, coroutine true, arg BOX/releases/first/bluegreen.php
slept after a tick: 1 s
tick() logged to releases_dir/bluegreen.log: true
new Release('bluegreen'): InvalidArgumentException: App\Release\Release needs the options file as its argument, got null: register it as new Release($config) with $config->setArg(EASYSWOOLE_ROOT . '/bluegreen.php') (see EasySwooleEvent.php in bluegreen's examples)
a missing options file: bluegreen: not deploying: options file BOX/releases/first/missing.php not found (the argument of new Release($config))
-- standalone.php: run() until SIGTERM
ticked: true
exit on SIGTERM: 0, no output
logged the stop: true
a missing options file: exit 1, BOX/missing.php: no such options file (set BLUEGREEN_CONFIG)
-- systemd/bluegreen.service
User=deploy: true
Restart=on-failure: true
KillMode=process: true
ExecStart=/usr/bin/php /srv/app/bluegreen-standalone.php: true
#   deploy ALL=(root) NOPASSWD: /usr/bin/systemctl reload nginx: true
'reload' => ['sudo', '-n', 'systemctl', 'reload', 'nginx']: true
the options file names the same reload: true
systemd-analyze verify: no complaint
