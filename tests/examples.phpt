--TEST--
examples/: every PHP file lints; the options file makes a Releaser in a sandbox; the EasySwoole wiring and standalone.php tick; the nginx configs pass nginx -t; the systemd unit verifies
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

echo "-- the nginx configs, as they would be installed, pass nginx -t\n";
// The seed's layout: nginx.conf, servers/es-release.conf and mime.types in
// one directory; its absolute paths moved into the sandbox, nothing else changed.
$ngx = "$box/nginx";
@mkdir("$ngx/servers", 0755, true);
@mkdir("$ngx/logs", 0755, true);
@mkdir("$ngx/tmp", 0755, true);
$paths = ['/run/nginx.pid' => "$ngx/nginx.pid", '/var/log/nginx/' => "$ngx/logs/"];
$main = strtr(file_get_contents("$ex/easyswoole/nginx.conf"), $paths);
// Debian's nginx keeps request bodies and proxy buffers under /var/lib/nginx.
$temp = '';
foreach (['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as $t) {
    $temp .= "    {$t}_temp_path $ngx/tmp/$t;\n";
}
$main = preg_replace('/^http \{\n/m', "http {\n$temp", $main, 1);
file_put_contents("$ngx/nginx.conf", $main);
file_put_contents("$ngx/servers/es-release.conf", strtr(file_get_contents("$ex/easyswoole/es-release.conf"), $paths));
copy('/etc/nginx/mime.types', "$ngx/mime.types");
foreach (["$ngx/nginx.conf", "$ngx/servers/es-release.conf"] as $conf) {
    $directives = preg_replace('/#.*$/m', '', file_get_contents($conf));
    preg_match_all('#(?<![\w.$])/(?:run|var|usr|etc|srv|tmp)/\S*#', str_replace($box, 'BOX', $directives), $m);
    echo basename($conf), ': no path outside the sandbox: ', var_export($m[0] === [], true), "\n";
}
echo 'es-release.conf proxies to the upstream: ',
    var_export(str_contains(file_get_contents("$ex/easyswoole/es-release.conf"), 'proxy_pass http://easyswoole.relase.com;'), true), "\n";
$res = bg_run([bg_nginx_binary(), '-t', '-q', '-p', "$ngx/", '-c', "$ngx/nginx.conf"], $box);
echo 'nginx -t: exit ', $res['exit'], $res['output'] === '' ? '' : ': ' . $n($res['output']), "\n";

echo "-- easyswoole/bluegreen.php with real paths: the fixture app and that nginx.conf\n";
$first = bg_app_copy("$box/releases/first");
putenv("BLUEGREEN_ROOT=$first");
putenv("BLUEGREEN_NGINX_CONF=$ngx/nginx.conf");
putenv("BLUEGREEN_NGINX_MAIN_CONF=$ngx/nginx.conf");
$options = require "$ex/easyswoole/bluegreen.php";
echo 'an array: ', var_export(is_array($options), true), "\n";
$r = new BlueGreen\Releaser($options);
ob_start();
var_dump($r);
$dump = ob_get_clean();
foreach (['root', 'releases_dir', 'conf', 'main_conf', 'upstream', 'log'] as $key) {
    preg_match('/\["' . $key . '"\]=>\n\s*string\(\d+\) "([^"]*)"/', $dump, $m);
    echo "$key: ", $n($m[1] ?? 'not shown'), "\n";
}
$ports = $r->ports();
echo 'ports(): nginx points to 9501, idle ', $ports['idle'], "\n";
putenv('BLUEGREEN_ROOT');

echo "-- the EasySwoole wiring: EasySwooleEvent registers Release, whose run() ticks, then sleeps 30 s\n";
// As the service would run it: the options file at the project's root, root
// from EASYSWOOLE_ROOT; EasySwoole and Swoole stood in for.
copy("$ex/easyswoole/bluegreen.php", "$first/bluegreen.php");
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

echo "-- standalone.php: run() until SIGTERM\n";
@unlink($log);
$child = bg_spawn([PHP_BINARY, '-n', '-d', 'extension=' . realpath(__DIR__ . '/../modules/bluegreen.so'), "$ex/standalone.php"],
    $box, null, ['BLUEGREEN_CONFIG' => "$ex/easyswoole/bluegreen.php", 'BLUEGREEN_ROOT' => $first,
        'BLUEGREEN_NGINX_CONF' => "$ngx/nginx.conf", 'BLUEGREEN_NGINX_MAIN_CONF' => "$ngx/nginx.conf"] + getenv());
$ticked = bg_wait_for(fn () => str_contains((string) @file_get_contents($log), ' tick: '), 20);
echo 'ticked: ', var_export($ticked, true), "\n";
proc_terminate($child['proc'], 15); // SIGTERM; no posix needed (make test runs with -n)
echo 'exit on SIGTERM: ', var_export(bg_wait_exit($child, 20), true), ', ', $n(bg_output($child)) ?: "no output\n";
proc_close($child['proc']);
echo 'logged the stop: ', var_export(str_contains((string) @file_get_contents($log), 'run: SIGTERM received'), true), "\n";
$child = bg_spawn([PHP_BINARY, '-n', '-d', 'extension=' . realpath(__DIR__ . '/../modules/bluegreen.so'), "$ex/standalone.php"],
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
EX/demo/load.php: ok
EX/demo/releaser.php: ok
EX/easyswoole/App/Release/Release.php: ok
EX/easyswoole/EasySwooleEvent.php: ok
EX/easyswoole/bluegreen.php: ok
EX/easyswoole/dev.php: ok
EX/standalone.php: ok
-- the nginx configs, as they would be installed, pass nginx -t
nginx.conf: no path outside the sandbox: true
es-release.conf: no path outside the sandbox: true
es-release.conf proxies to the upstream: true
nginx -t: exit 0
-- easyswoole/bluegreen.php with real paths: the fixture app and that nginx.conf
an array: true
root: BOX/releases/first
releases_dir: BOX/releases
conf: BOX/nginx/nginx.conf
main_conf: BOX/nginx/nginx.conf
upstream: easyswoole.relase.com
log: BOX/releases/bluegreen.log
ports(): nginx points to 9501, idle 9502
-- the EasySwoole wiring: EasySwooleEvent registers Release, whose run() ticks, then sleeps 30 s
1 process: App\Release\Release, name bluegreen, group bluegreen, coroutine true, arg BOX/releases/first/bluegreen.php
slept after a tick: 30 s
tick() logged to releases_dir/bluegreen.log: true
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
