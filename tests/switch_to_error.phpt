--TEST--
Releaser::switchTo() failures: a bad upstream, a config nginx rejects, nginx not running, a stale pid, a read-only directory, a refused reload — the file restored byte for byte, the old port still serving
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox('switch-to-error');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
[$listen, $busy] = bg_free_ports();
$pids[] = bg_app_serve("$box/v1", $a, 'v1');
$pids[] = bg_app_serve("$box/v2", $b, 'v2');
[$main, $conf] = bg_nginx_write_conf("$box/ngx", $listen, 'app', $a, true);
$master = bg_nginx_start("$box/ngx", $main);
$pids[] = $master;
$nginx = bg_nginx_option("$box/ngx", $main, $conf, 'app');
$releaser = fn (array $n = []) => new BlueGreen\Releaser(['root' => "$box/v1", 'ports' => [$a, $b],
    'nginx' => $n + $nginx, 'log' => fn () => null]);
$name = fn (string $s) => str_replace([$box, $a, $b, $busy, $listen], ['BOX', 'A', 'B', 'BUSY', 'L'], $s);
$try = function (callable $fn) use ($name) {
    try {
        $fn();
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $name($e->getMessage()), "\n";
    }
};
$original = file_get_contents($conf);
$unchanged = function () use ($conf, $original, $listen, $name) {
    echo '  file ', file_get_contents($conf) === $original ? 'unchanged' : 'CHANGED', ', nginx answers ',
        $name(bg_answer($listen)), "\n";
};

echo "-- upstream missing, defined twice, without a server of the pair\n";
foreach ([
    "upstream other {\n    server 127.0.0.1:$a;\n}\n",
    "upstream app {\n    server 127.0.0.1:$a;\n}\n\nupstream app {\n    server 127.0.0.1:$b;\n}\n",
    "upstream app {\n    server 10.0.0.1:$a;\n    server 127.0.0.1:80;\n}\n",
    "upstream app {\n    server 127.0.0.1:$a;\n",
    "upstream app {\n    server \"127.0.0.1:$a;\n}\n",
] as $bad) {
    file_put_contents("$box/bad.conf", $bad);
    $try(fn () => $releaser(['conf' => "$box/bad.conf"])->switchTo($b));
    echo '  ', file_get_contents("$box/bad.conf") === $bad ? 'unchanged' : 'CHANGED', "\n";
}
$try(fn () => $releaser(['conf' => "$box/bad.conf"])->ports());

echo "-- nginx -t rejects the config: restored, nginx still on A\n";
file_put_contents($main, str_replace("http {\n", "http {\n    bogus_directive on;\n", $mainOriginal = file_get_contents($main)));
$try(fn () => $releaser()->switchTo($b));
$unchanged();
file_put_contents($main, $mainOriginal);

echo "-- nginx not running, or a stale pid file: nothing written\n";
$try(fn () => $releaser(['pid' => "$box/ngx/missing.pid"])->switchTo($b));
$unchanged();
file_put_contents("$box/stale.pid", getmypid() . "\n");
$try(fn () => $releaser(['pid' => "$box/stale.pid"])->switchTo($b));
$unchanged();

echo "-- a directory the releaser cannot write to: nothing changed\n";
// root may write anywhere: the releaser runs as nobody in a child PHP there.
file_put_contents("$box/child.php", '<?php
$o = json_decode($argv[1], true);
try { (new BlueGreen\Releaser($o))->switchTo((int) $argv[2]); echo "no exception\n"; }
catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }');
// nobody may not read the checkout (a clone in a 0700 directory): the child
// loads a copy of the extension from the sandbox.
copy(bg_extension(), "$box/bluegreen.so");
$argv = [PHP_BINARY, '-d', "extension=$box/bluegreen.so", "$box/child.php",
    json_encode(['root' => "$box/v1", 'ports' => [$a, $b], 'nginx' => $nginx]), (string) $b];
if (posix_getuid() === 0) {
    array_unshift($argv, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--');
} else {
    chmod(dirname($conf), 0555);
}
echo $name(bg_run($argv, $box)['output']);
chmod(dirname($conf), 0755);
$unchanged();

echo "-- nginx refuses the new config at reload (a listen it cannot bind): restored, reloaded, A still serves\n";
$hold = stream_socket_server("tcp://127.0.0.1:$busy");
file_put_contents($main, str_replace("http {\n", "http {\n    server { listen 127.0.0.1:$busy; }\n", $mainOriginal));
$t = microtime(true);
$try(fn () => $releaser()->switchTo($b));
echo '  failed within 10 s: ', var_export(microtime(true) - $t < 10, true), "\n";
$unchanged();
fclose($hold);
file_put_contents($main, $mainOriginal);

echo "-- after all that, a good switch works\n";
$releaser()->switchTo($b);
echo '  nginx answers ', $name(bg_answer($listen)), "\n";

bg_nginx_stop($master);
foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox_path('switch-to-error');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
@chmod("$box/ngx/servers", 0755);
bg_rmrf($box);
?>
--EXPECTF--
-- upstream missing, defined twice, without a server of the pair
BlueGreen\NginxException: BOX/bad.conf: upstream "app" not found
  unchanged
BlueGreen\NginxException: BOX/bad.conf:5: upstream "app" is defined twice (first at line 1)
  unchanged
BlueGreen\NginxException: BOX/bad.conf:1: upstream "app" has no server on 127.0.0.1 at port A or B
  unchanged
BlueGreen\NginxException: BOX/bad.conf:1: unbalanced braces
  unchanged
BlueGreen\NginxException: BOX/bad.conf:2: unterminated string
  unchanged
BlueGreen\NginxException: BOX/bad.conf:2: unterminated string
-- nginx -t rejects the config: restored, nginx still on A
BlueGreen\NginxException: nginx rejected the new config: `%s -t -q -p BOX/ngx -c BOX/ngx/nginx.conf`: exit status 1:
%a[emerg]%sunknown directive "bogus_directive" in BOX/ngx/nginx.conf:%d%a
  file unchanged, nginx answers version=v1 port=A
-- nginx not running, or a stale pid file: nothing written
BlueGreen\NginxException: nginx is not running, or option "nginx.pid" is wrong: pid file: cannot read BOX/ngx/missing.pid: No such file or directory
  file unchanged, nginx answers version=v1 port=A
BlueGreen\NginxException: stale nginx pid file BOX/stale.pid: pid %d is not a running nginx master (is nginx running?)
  file unchanged, nginx answers version=v1 port=A
-- a directory the releaser cannot write to: nothing changed
BlueGreen\NginxException: cannot write BOX/ngx/servers/upstream.conf (temporary file BOX/ngx/servers/upstream.conf.bluegreen-%d.tmp): Permission denied
  file unchanged, nginx answers version=v1 port=A
-- nginx refuses the new config at reload (a listen it cannot bind): restored, reloaded, A still serves
BlueGreen\NginxException: nginx did not load the new config: no new worker process after the reload; nginx's error log (BOX/ngx/error.log) says:
%a[emerg]%sbind() to 127.0.0.1:BUSY failed (98: Address already in use)%a
  failed within 10 s: true
  file unchanged, nginx answers version=v1 port=A
-- after all that, a good switch works
  nginx answers version=v2 port=B
