--TEST--
Releaser::switchTo(): the seed's nginx.conf and es-release.conf, switched for real; the next request answers from the new port
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox('switch-to');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
[$listen] = bg_free_ports();
$pids[] = bg_app_serve("$box/v1", $a, 'v1');
$pids[] = bg_app_serve("$box/v2", $b, 'v2');

// The seed's two files, with its `//` remarks as nginx `#` comments, pid and
// error_log inside the prefix, and its listen port on loopback.
$ngx = "$box/nginx";
mkdir("$ngx/servers", 0755, true);
mkdir("$ngx/logs");
copy('/etc/nginx/mime.types', "$ngx/mime.types");
file_put_contents("$ngx/nginx.conf", <<<CONF
worker_processes  1;
pid        nginx.pid;
error_log  logs/error.log;

events {
    worker_connections  1024;
}

http {

    include       mime.types;
    default_type  application/octet-stream;

    log_format  main  '\$remote_addr - \$remote_user [\$time_local] "\$request" '
                      '\$status \$body_bytes_sent "\$http_referer" '
                      '"\$http_user_agent" "\$http_x_forwarded_for"';
    sendfile        on;
    client_body_temp_path $ngx/tmp-body;
    proxy_temp_path $ngx/tmp-proxy;

    keepalive_timeout  65;

    # Polling configuration (here's the point)
    upstream  easyswoole.relase.com {
           server    127.0.0.1:$a;
    }

    server {
        listen       127.0.0.1:$listen;
        server_name  localhost;
    }

    include servers/*;
}

CONF);
file_put_contents("$ngx/servers/es-release.conf", <<<CONF
server {
        listen       127.0.0.1:$listen;
        server_name  easyswoole.relase.com;

        location / {
        	root html;
        	index index.html index.htm;
        	proxy_pass http://easyswoole.relase.com; # the point
        	proxy_set_header Host easyswoole.relase.com;
        }

        access_log $ngx/logs/es.access.log main;
        error_log $ngx/logs/es.error.log error;
}
CONF);
$master = bg_nginx_start($ngx, "$ngx/nginx.conf");
$pids[] = $master;
$through = function () use ($listen) {
    $c = stream_socket_client("tcp://127.0.0.1:$listen", $e, $s, 5);
    fwrite($c, "GET / HTTP/1.1\r\nHost: easyswoole.relase.com\r\nConnection: close\r\n\r\n");
    $r = stream_get_contents($c);
    return preg_match('/version=\S+ port=\d+/', $r, $m) ? $m[0] : "no answer: $r";
};

$lines = [];
$r = new BlueGreen\Releaser([
    'root' => "$box/v1",
    'ports' => [$a, $b],
    // no nginx.pid: found through the main config's relative `pid`
    'nginx' => ['conf' => "$ngx/nginx.conf", 'upstream' => 'easyswoole.relase.com',
                'binary' => bg_nginx_binary(), 'prefix' => $ngx],
    'log' => function ($level, $msg, $ctx) use (&$lines) { $lines[] = [$level, $msg, $ctx]; },
]);

echo "before: ", str_replace([$a, $b], ['A', 'B'], $through()), "\n";
$before = file_get_contents("$ngx/nginx.conf");
$workers = bg_nginx_workers($master);
$r->switchTo($b);
echo "right after: ", str_replace([$a, $b], ['A', 'B'], $through()), "\n";

// Every other byte of the file is unchanged.
$after = file_get_contents("$ngx/nginx.conf");
echo "changed: ", var_export($after === str_replace("server    127.0.0.1:$a;", "server    127.0.0.1:$b;", $before), true), "\n";
echo "es-release.conf untouched: ", var_export(!str_contains(file_get_contents("$ngx/servers/es-release.conf"), (string) $b), true), "\n";
printf("mode kept: %o\n", fileperms("$ngx/nginx.conf") & 0777);

$ports = $r->ports();
echo "active is B: ", var_export($ports['active'] === $b, true), ", idle is A: ", var_export($ports['idle'] === $a, true), "\n";

[$level, $msg, $ctx] = end($lines);
echo "$level: ", str_replace([$a, $b], ['A', 'B'], preg_replace('/\(\d+ ms\)|\([\d.]+ s\)/', '(T)', $msg)), "\n";
echo "context: step=", $ctx['step'], " port=", $ctx['port'] === $b ? 'B' : '?', " duration=", is_float($ctx['duration_ms']) ? 'yes' : 'no', "\n";

// stop() waits for the old workers first: they may still proxy to A.
$r->stop($a);
echo "old workers gone: ", var_export(!array_filter($workers, 'bg_pid_alive'), true), "\n";
echo "waited for them: ", var_export((bool) array_filter($lines, fn ($l) => str_contains($l[1], 'old nginx worker(s) have exited')), true), "\n";
echo "A closed: ", var_export(bg_wait_port($a, false, 1), true), ", through nginx: ", str_replace([$a, $b], ['A', 'B'], $through()), "\n";

// A switch to the live port does nothing.
$r->switchTo($b);
[$level, $msg] = end($lines);
echo "$level: ", str_replace([$a, $b], ['A', 'B'], $msg), "\n";
echo "same bytes: ", var_export(file_get_contents("$ngx/nginx.conf") === $after, true), "\n";

bg_nginx_stop($master);
foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox_path('switch-to');
bg_nginx_stop((int) @file_get_contents("$box/nginx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
before: version=v1 port=A
right after: version=v2 port=B
changed: true
es-release.conf untouched: true
mode kept: 644
active is B: true, idle is A: true
info: switch: nginx upstream "easyswoole.relase.com" now points to port B instead of A; reloaded, 1 old worker(s) finishing their requests (T)
context: step=switch port=B duration=yes
old workers gone: true
waited for them: true
A closed: true, through nginx: version=v2 port=B
info: switch: nginx upstream "easyswoole.relase.com" already points to port B
same bytes: true
