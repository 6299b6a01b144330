--TEST--
Socket switch: a release that fails its health check over its socket never takes traffic; a wrong setup is refused before the switch, with a message saying what to change (an upstream that does not name the live socket, a directory nginx's workers cannot search, a socket path over sun_path's 107 bytes), and the live release keeps serving
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox('socket-refuse');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_socket_scene($box);
$pids[] = $scene['master'];
$opts = bg_socket_options($scene, ['log' => "$box/deploy.log",
    'health' => ['path' => '/health', 'timeout' => 2, 'interval' => 0.05]]);
$r = new BlueGreen\Releaser($opts);
$names = fn (string $s) => bg_socket_names($scene, preg_replace(['/; start command.*/s', '/is \d+ bytes long/'],
    ['', 'is N bytes long'], $s));
$throws = function (callable $fn) use ($names) {
    try {
        $fn();
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $names($e->getMessage()), "\n";
    }
};
$after = function (string $label) use ($scene) {
    echo "$label: the live socket points to ", bg_socket_points_to($scene), ', nginx answers ',
        bg_scene_names($scene, bg_answer($scene['listen'])), ', listening on B\'s socket: ',
        count(bg_unix_holders($scene['socks'][$scene['b']])), "\n";
};

echo "== a release whose health check answers 500\n";
bg_app_commit($scene, 'v2', ['HEALTH_STATUS' => "500\n"]);
$throws(fn () => $r->deploy());
$after('after');

echo "== nginx's upstream names a TCP server, not the live socket\n";
$conf = file_get_contents($scene['conf']);
file_put_contents($scene['conf'], "upstream app {\n    server 127.0.0.1:{$scene['a']};\n}\n");
bg_app_commit($scene, 'v3', ['HEALTH_STATUS' => null]);
$throws(fn () => $r->deploy());
$after('after');
echo 'status(): retry ', json_encode(array_intersect_key($r->status()['retry'] ?? [], ['step' => 1, 'attempts' => 1])),
    ', failed commits ', count($r->status()['failed']), "\n";
file_put_contents($scene['conf'], $conf);

echo "== a directory on the way to the live socket that nginx's workers cannot search\n";
chmod("{$scene['releases']}/.bluegreen", 0700);
$throws(fn () => $r->deploy(bg_app_commit($scene, 'v4')));
chmod("{$scene['releases']}/.bluegreen", 0755);
$after('after');

echo "== fixed: the next deploy goes live\n";
echo 'deploy(): port ', $names((string) $r->deploy(bg_app_commit($scene, 'v5'))->port), ', the live socket points to ', bg_socket_points_to($scene), ', nginx answers ',
    bg_scene_names($scene, bg_answer($scene['listen'])), "\n";

echo "== socket paths over sun_path's 107 bytes\n";
$long = "$box/" . str_repeat('r', 90);
mkdir("$long/app", 0755, true);
$throws(fn () => new BlueGreen\Releaser(['root' => "$long/app"] + $opts));
$throws(fn () => new BlueGreen\Releaser(['live_socket' => "$box/" . str_repeat('l', 110)] + $opts));
$throws(fn () => new BlueGreen\Releaser(['switch' => 'symlink'] + $opts));

bg_socket_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-refuse');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
== a release whose health check answers 500
BlueGreen\StartException: start of release-UTC-SHA on port B failed: not healthy within 2 s (health.timeout)
after: the live socket points to A, nginx answers version=v1 port=A, listening on B's socket: 0
== nginx's upstream names a TCP server, not the live socket
BlueGreen\NginxException: BOX/ngx/servers/upstream.conf:1: upstream "app" does not name the live socket (its first server is 127.0.0.1:A): with option "switch" => "socket" its server must be `server unix:LIVE;`, which bluegreen points at the live release without rewriting or reloading nginx
after: the live socket points to A, nginx answers version=v1 port=A, listening on B's socket: 0
status(): retry {"step":"switch","attempts":1}, failed commits 1
== a directory on the way to the live socket that nginx's workers cannot search
BlueGreen\NginxException: nginx's workers (uid 65534, gid 65534) cannot reach the live socket LIVE: directory BOX/releases/.bluegreen is mode 0700, owned by uid 0 gid 0; give them search permission (e.g. chmod o+x BOX/releases/.bluegreen) or run them as a user that has it (nginx's `user` directive)
after: the live socket points to A, nginx answers version=v1 port=A, listening on B's socket: 0
== fixed: the next deploy goes live
deploy(): port B, the live socket points to B, nginx answers version=v5 port=B
== socket paths over sun_path's 107 bytes
BlueGreen\ConfigException: Option "switch" => "socket": live_socket BOX/rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr/.bluegreen/live.sock is N bytes long, over the 107 bytes a unix socket's path may have (sun_path): choose a shorter releases_dir or option "live_socket"
BlueGreen\ConfigException: Option "switch" => "socket": live_socket BOX/llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll is N bytes long, over the 107 bytes a unix socket's path may have (sun_path): choose a shorter releases_dir or option "live_socket"
ValueError: Option "switch" must be "reload" or "socket", "symlink" given
