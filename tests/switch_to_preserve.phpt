--TEST--
Releaser::switchTo(): only the upstream's server ports change; listen, comments, strings, log paths, parameters, other upstreams and a symlink stay
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox('switch-to-preserve');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
[$listen] = bg_free_ports();
$pids[] = bg_app_serve("$box/v1", $a, 'v1');
$pids[] = bg_app_serve("$box/v2", $b, 'v2');

// Every place where a port of the pair can appear outside the upstream's
// server entries. The file lives elsewhere; nginx reads it through a symlink.
$ngx = "$box/nginx";
mkdir("$ngx/logs", 0755, true);
mkdir("$box/etc");
$conf = <<<CONF
# the upstream points to $a; this comment names $a and $b
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/logs/error-$a.log;
events { worker_connections 64; }
http {
    client_body_temp_path $ngx/tmp-body;
    proxy_temp_path $ngx/tmp-proxy;
    log_format port$a '\$remote_addr "$a" \$status';
    access_log $ngx/logs/access-$a.log port$a;

    upstream other { server 127.0.0.1:$a; }   # another upstream, same port
    upstream app {
        # was on $b before
        server 127.0.0.1:$a weight=5 max_fails=3 fail_timeout=10s;
        server "localhost:$a"  max_conns=100;
        server 127.0.0.1:$listen backup;   # not a port of the pair
    }
    server {
        listen 127.0.0.1:$listen;
        listen 127.0.0.2:$a;
        location / { proxy_pass http://app; }
        location /literal { return 200 "app at 127.0.0.1:$a\n"; }
        location /var { set \$p "$a"; return 200 "\${p}\n"; }
    }
}

CONF;
file_put_contents("$box/etc/nginx.conf", $conf);
chmod("$box/etc/nginx.conf", 0640);
symlink("$box/etc/nginx.conf", "$ngx/nginx.conf");
$master = bg_nginx_start($ngx, "$ngx/nginx.conf");
$pids[] = $master;

$r = new BlueGreen\Releaser(['root' => "$box/v1", 'ports' => [$a, $b],
    'nginx' => bg_nginx_option($ngx, "$ngx/nginx.conf", "$ngx/nginx.conf", 'app'), 'log' => fn () => null]);
echo "active before: ", $r->ports()['active'] === $a ? 'A' : '?', "\n";
$r->switchTo($b);

$expected = str_replace(
    ["server 127.0.0.1:$a weight=5", "server \"localhost:$a\""],
    ["server 127.0.0.1:$b weight=5", "server \"localhost:$b\""],
    $conf);
echo "only the two entries changed: ", var_export(file_get_contents("$box/etc/nginx.conf") === $expected, true), "\n";
echo "still a symlink: ", var_export(is_link("$ngx/nginx.conf") && readlink("$ngx/nginx.conf") === "$box/etc/nginx.conf", true), "\n";
printf("mode kept: %o\n", fileperms("$box/etc/nginx.conf") & 0777);
echo "no temporary file left: ", var_export(glob("$box/etc/*.tmp") === [], true), "\n";
echo "through nginx: ", str_replace([$a, $b], ['A', 'B'], bg_answer($listen)), "\n";
echo "literal: ", str_replace([$a, $b], ['A', 'B'], bg_http_get('127.0.0.1', $listen, '/literal')['body']);

// And back: the same entries, to A.
$r->switchTo($a);
echo "back to the original bytes: ", var_export(file_get_contents("$box/etc/nginx.conf") === $conf, true), "\n";
echo "through nginx: ", str_replace([$a, $b], ['A', 'B'], bg_answer($listen)), "\n";

bg_nginx_stop($master);
foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox_path('switch-to-preserve');
bg_nginx_stop((int) @file_get_contents("$box/nginx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
active before: A
only the two entries changed: true
still a symlink: true
mode kept: 640
no temporary file left: true
through nginx: version=v2 port=B
literal: app at 127.0.0.1:A
back to the original bytes: true
through nginx: version=v1 port=A
