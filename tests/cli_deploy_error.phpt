--TEST--
bin/bluegreen deploy failures exit 1 naming the stage on stderr — start (the start command fails), prepare (a build step fails), switch (nginx rejects its config), check (the remote is gone) — while the old version keeps answering; status shows the last error and the failed commits; check exits 1 on a GitException; a commit that is no sha exits 2
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-deploy-error');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene, [
    'health' => ['path' => '/health', 'timeout' => 2],
    'build' => [[PHP_BINARY, '-r', 'exit(is_file("BROKEN") ? 3 : 0);']],
]));
$shas = ['v1' => $scene['first']];
$n = function (string $s) use ($scene, &$shas) {
    return str_replace([PHP_BINARY, bg_nginx_binary()], ['PHP', 'NGINX'], bg_cli_names($scene, $s, $shas));
};
$clean = ['FAIL_START' => null, 'BROKEN' => null];
// stdout, then the first line of stderr's verdict (after the log lines) and the levels logged.
$deploy = function (string $label, array $args) use ($box, $n, $scene) {
    $res = bg_cli($args, $box);
    $verdict = preg_grep('/^deploy failed/', explode("\n", $n($res['err'])));
    echo "$label: exit {$res['exit']}, stdout ", var_export($res['out'], true), "\n  ", $verdict ? reset($verdict) : '(nothing)', "\n";
    echo "  log lines on stderr: ", implode(' ', array_unique(array_map(fn ($l) => strtok($l, ' '),
        preg_grep('/^\[/', explode("\n", $res['err']))))), "\n";
    echo "  nginx answers ", $n(bg_answer($scene['listen'])), "\n";
};

$shas['v2'] = bg_app_commit($scene, 'v2', ['FAIL_START' => "no\n"] + $clean);
$deploy('the start command fails', ['deploy']);
$shas['v3'] = bg_app_commit($scene, 'v3', ['BROKEN' => "yes\n"] + $clean);
$deploy('a build step fails', ['deploy']);
$shas['v4'] = bg_app_commit($scene, 'v4', $clean);
$main = file_get_contents($scene['main']);
file_put_contents($scene['main'], str_replace("http {\n", "http {\n    bogus_directive on;\n", $main));
$deploy('nginx rejects the config', ['-q', 'deploy']);
file_put_contents($scene['main'], $main);
rename("$box/remote.git", "$box/remote.gone");
$deploy('the remote is gone', ['-q', 'deploy']);
bg_cli_show('check', bg_cli(['check'], $box), $n);
rename("$box/remote.gone", "$box/remote.git");
echo "-- status\n";
$res = bg_cli(['status'], $box);
echo implode("\n", preg_grep('/^(live|previous|last error|failed| {12}v)/', explode("\n", $n($res['out'])))), "\n";

$res = bg_cli(['deploy', 'master'], $box);
echo "a commit that is no sha: exit {$res['exit']}, ", implode(' | ', preg_grep('/^bluegreen:/', explode("\n", $res['err']))), "\n";

echo "-- the next good commit\n";
$shas['v5'] = bg_app_commit($scene, 'v5', $clean);
bg_cli_show('deploy', bg_cli(['-q', 'deploy'], $box), $n);
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox_path('cli-deploy-error');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
the start command fails: exit 1, stdout ''
  deploy failed at start: start of release-UTC-v2 on port B failed: the start command failed; start command `PHP easyswoole.php server start -d -mode=dev`: exit status 1; last health check: connect: Connection refused; output (BOX/releases/.bluegreen/logs/release-UTC-v2.log):
  log lines on stderr: [info] [error]
  nginx answers version=v1 port=A
a build step fails: exit 1, stdout ''
  deploy failed at prepare: build step 1/1 `PHP -r exit(is_file("BROKEN") ? 3 : 0);` did not succeed in BOX/releases/release-UTC-v3: exit status 3; its last lines:
  log lines on stderr: [info] [error]
  nginx answers version=v1 port=A
nginx rejects the config: exit 1, stdout ''
  deploy failed at switch: nginx rejected the new config: `NGINX -t -q -p BOX/ngx -c BOX/ngx/nginx.conf`: exit status 1:
  log lines on stderr: [warning] [error]
  nginx answers version=v1 port=A
the remote is gone: exit 1, stdout ''
  deploy failed at check: cannot list the branches of BOX/remote.git (branch master): failed to resolve path 'BOX/remote.git': No such file or directory
  log lines on stderr: 
  nginx answers version=v1 port=A
check: exit 1
  stderr| check failed: cannot list the branches of BOX/remote.git (branch master): failed to resolve path 'BOX/remote.git': No such file or directory
-- status
live        none recorded: no deploy yet, root serves as before
previous    none recorded
last error  check, WHEN: cannot list the branches of BOX/remote.git (branch master): failed to resolve path 'BOX/remote.git': No such file or directory
failed      v2 at start, WHEN
            v3 at prepare, WHEN
            v4 at switch, WHEN
a commit that is no sha: exit 2, bluegreen: deploy: commit must be a full or abbreviated sha (4 to 40 hex digits), "master" given
-- the next good commit
deploy: exit 0
  stdout| v5 live on port B (release-UTC-v5)
nginx answers version=v5 port=B