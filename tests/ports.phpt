--TEST--
Releaser::ports(): active is the port nginx points to when it accepts; idle the other; listening what accepts, probed without a child process
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox('ports');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $a);
$r = new BlueGreen\Releaser(['root' => $box, 'ports' => [$a, $b], 'nginx' => ['conf' => $conf, 'upstream' => 'app']]);
$show = function (string $what) use ($r, $a, $b) {
    $p = $r->ports();
    $n = fn ($port) => $port === null ? 'null' : ($port === $a ? 'A' : ($port === $b ? 'B' : "?$port"));
    echo str_pad($what, 28), 'active=', $n($p['active']), ' idle=', $n($p['idle']),
        ' listening=[', implode(',', array_map($n, $p['listening'])), "]\n";
};

$show('nothing listens:');
$pids['a'] = bg_app_serve("$box/a", $a, 'v1');
$show('A listens, nginx on A:');
$pids['b'] = bg_app_serve("$box/b", $b, 'v2');
$show('both listen:');
bg_write_upstream_conf($conf, 'app', $b);
$show('both listen, nginx on B:');
bg_kill_tree($pids['b'], $box);
bg_wait_port($b, false, 5);
$show('nginx on B, B down:');

// The upstream is read with the config parser: a broken file is an error.
file_put_contents($conf, "upstream app {\n    server 127.0.0.1:$a;\n");
bg_expect_throw(fn () => $r->ports());

bg_kill_tree($pids['a'], $box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('ports');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
nothing listens:            active=null idle=B listening=[]
A listens, nginx on A:      active=A idle=B listening=[A]
both listen:                active=A idle=B listening=[A,B]
both listen, nginx on B:    active=B idle=A listening=[A,B]
nginx on B, B down:         active=null idle=A listening=[A]
BlueGreen\NginxException: %s/upstream.conf:1: unbalanced braces
