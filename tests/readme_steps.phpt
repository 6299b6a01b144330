--TEST--
README.md's three steps, played as written on the fixture app: the example files copied into the project, the first release and nginx started as the README starts them, a push deployed from the command line; the new version answers through nginx
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (!is_dir(__DIR__ . '/../examples')) die('skip no examples/ beside tests/');
if (!is_executable('/bin/bash')) die('skip no bash to play the README\'s shell lines');
?>
--FILE--
<?php
/*
 * A newcomer's session. The shell blocks of the README's section "A stock
 * EasySwoole app, live in three steps" are run as they are written, by bash
 * (the newcomer's shell; nothing in bluegreen runs a shell), with these
 * stand-ins only:
 *   - /srv/app is this test's sandbox BOX, REMOTE a bare repository holding
 *     the fixture app (EasySwoole-shaped, plain PHP), BG a copy of this
 *     checkout's examples/ and bin/ in which 9501, 9502 and 8080 are free
 *     ports (the suite runs beside other tests and other checkouts);
 *   - `php` is the PHP running this test, the extension enabled for it as
 *     `phpenmod bluegreen` would (a scan dir holding bluegreen.ini);
 *   - `composer`, not installed here, records that it was run (the fixture
 *     has no dependencies).
 * The README's two edits by hand (the registration in EasySwooleEvent.php,
 * the port line in dev.php) are done with the text the README shows.
 */
require __DIR__ . '/inc/deploy.inc';
$repo = realpath(__DIR__ . '/..');
$box = bg_sandbox('readme_steps');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
[$listen] = bg_free_ports();
$ports = ['9501' => (string) $a, '9502' => (string) $b, '8080' => (string) $listen];
$n = fn (string $s) => bg_scene_names(['box' => $box, 'a' => $a, 'b' => $b, 'listen' => $listen], $s);
$nginx_master = 0;
register_shutdown_function(function () use (&$nginx_master) {
    bg_nginx_stop($nginx_master);
});

echo "-- the README's section\n";
$readme = file_get_contents("$repo/README.md");
preg_match('/^### A stock EasySwoole app, live in three steps\n(.*?)(?=^##)/ms', $readme, $m);
$section = $m[1] ?? '';
preg_match_all('/^ *```sh\n(.*?)^ *```$/ms', $section, $found);
$blocks = array_map(fn (string $b) => preg_replace('/^   /m', '', $b), $found[1]);
echo count($blocks), " shell blocks\n";
preg_match("/'PORT' => \\(int\\)\\(getenv\\('BLUEGREEN_PORT'\\) \\?: 9501\\),/", $section, $port_line);
preg_match('/^ *```php\n(.*?)^ *```$/ms', $section, $registration);
echo 'the port line: ', $port_line[0] ?? 'not found', "\n";

// The newcomer's machine.
$bg = "$box/bluegreen";
bg_copy_tree("$repo/examples", "$bg/examples");
foreach (['bluegreen.php', 'dev.php', 'nginx.conf', 'es-release.conf'] as $f) {
    file_put_contents("$bg/examples/easyswoole/$f", strtr(file_get_contents("$bg/examples/easyswoole/$f"), $ports));
}
bg_copy_tree("$repo/bin", "$bg/bin");
@mkdir("$box/bin", 0755, true);
@mkdir("$box/php.d", 0755, true);
symlink(PHP_BINARY, "$box/bin/php");
file_put_contents("$box/php.d/20-bluegreen.ini", 'extension=' . bg_extension() . "\n");
file_put_contents("$box/bin/composer", "#!/bin/sh\necho \"\$PWD: composer \$*\" >> \"\$HOME/composer.log\"\n");
chmod("$box/bin/composer", 0755);
$env = ['BG' => $bg, 'REMOTE' => "$box/remote.git", 'PHP_INI_SCAN_DIR' => ":$box/php.d",
    'PATH' => "$box/bin:" . dirname(bg_nginx_binary()) . ':' . (getenv('PATH') ?: '/usr/bin:/bin')] + bg_git_env($box);
// Under tests/asan.sh the extension is built with ASan: the PHP processes the
// README's lines start load it too, and need the sanitizer runtime preloaded.
foreach (['LD_PRELOAD', 'ASAN_OPTIONS', 'LSAN_OPTIONS', 'UBSAN_OPTIONS', 'USE_ZEND_ALLOC', 'ZEND_DONT_UNLOAD_MODULES'] as $k) {
    if (getenv($k) !== false) {
        $env[$k] = getenv($k);
    }
}
$play = function (int $i, string $cwd, float $timeout = 30) use (&$blocks, $box, $env, $n): int {
    $script = strtr($blocks[$i] ?? 'false', ['/srv/app' => $box]);
    $res = bg_run(['/bin/bash', '-e', '-x', '-c', $script], $cwd, $timeout, $env);
    if ($res['exit'] !== 0) {
        echo $n($res['output']);
    }
    return $res['exit'] ?? -1;
};

// The project: the fixture app at v1 on the remote, a checkout to work in.
bg_git(['init', '-q', '--bare', '-b', 'master', "$box/remote.git"]);
bg_git(['clone', '-q', "$box/remote.git", "$box/work"]);
bg_git(['checkout', '-q', '-b', 'master'], "$box/work");
bg_git_commit("$box/work", bg_app_files(['VERSION' => "v1\n"]), 'v1');
bg_git_push("$box/work");

echo "-- 1. in the project: copy, register, the port line, commit and push\n";
echo 'cp: exit ', $play(0, "$box/work"), "\n";
copy("$bg/examples/easyswoole/EasySwooleEvent.php", "$box/work/EasySwooleEvent.php");
echo 'EasySwooleEvent.php registers as the README shows: ', var_export(isset($registration[1])
    && str_contains(file_get_contents("$box/work/EasySwooleEvent.php"), "\$config->setArg(EASYSWOOLE_ROOT . '/bluegreen.php');")
    && str_contains($registration[1], "\$config->setArg(EASYSWOOLE_ROOT . '/bluegreen.php');"), true), "\n";
$dev = file_get_contents("$box/work/dev.php");
file_put_contents("$box/work/dev.php", preg_replace("/'PORT' => 9501,/", strtr($port_line[0] ?? '', $ports), $dev, 1, $replaced));
echo 'dev.php port line replaced: ', $replaced, "\n";
echo 'git add, commit, push: exit ', $play(1, "$box/work"), "\n";

echo "-- 2. on the server: the first release and nginx\n";
echo 'exit ', $play(2, $box), "\n";
$nginx_master = (int) @file_get_contents("$box/nginx/logs/nginx.pid");
// nginx writes its pid file before it forks its workers: wait for them.
echo 'nginx runs from the prefix: ', var_export($nginx_master > 0
    && bg_wait_for(fn () => bg_nginx_workers($nginx_master) !== [], 5.0), true), "\n";
echo 'composer: ', $n(trim((string) @file_get_contents("$box/composer.log"))), "\n";
echo 'through nginx: ', $n(bg_answer($listen)), "\n";

echo "-- 3. a push, deployed from the command line\n";
bg_app_commit(['work' => "$box/work"], 'v2');
echo 'exit ', $play(3, $box, 60), "\n";
echo 'through nginx: ', $n(bg_answer($listen)), "\n";
echo 'the first release stopped: ', var_export(bg_wait_port($a, false, 5), true), "\n";
echo 'releases made: ', count(glob("$box/releases/release-*", GLOB_ONLYDIR)), "\n";
// That its dev.php stays as checked out (port_files => []): port_files_empty.phpt.
echo 'log: ', var_export(str_contains((string) @file_get_contents("$box/releases/bluegreen.log"), 'live on port'), true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('readme_steps');
bg_nginx_stop((int) @file_get_contents("$box/nginx/logs/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- the README's section
4 shell blocks
the port line: 'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: 9501),
-- 1. in the project: copy, register, the port line, commit and push
cp: exit 0
EasySwooleEvent.php registers as the README shows: true
dev.php port line replaced: 1
git add, commit, push: exit 0
-- 2. on the server: the first release and nginx
exit 0
nginx runs from the prefix: true
composer: BOX/releases/first: composer install --no-dev --optimize-autoloader
through nginx: version=v1 port=A
-- 3. a push, deployed from the command line
exit 0
through nginx: version=v2 port=B
the first release stopped: true
releases made: 1
log: true
