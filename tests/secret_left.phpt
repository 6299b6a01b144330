--TEST--
A process a build step left running is named in a warning with its command line's credentials masked, a long one cut at a whole word: no part of a URL's password reaches the log
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('secret-left');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$g = bg_git_setup($box, ['index.php' => "<?php\n"]);
$pw = str_repeat('PqRsTuVwXyZaBcDeFgHiJkLmNoPq', 3);  // two capitals in every 4 characters
$url = "https://deploy:$pw@repo.example.com/pkg.git";
[$log, $lines] = bg_log_recorder();
// `sh -c 'sleep N; :' ARGS...`: a shell that stays, its arguments in its command line
// (the step waits a moment: what is left is named once it has its own command line).
$leave = fn (int $n, string ...$args) => ['sh', '-c', "sh -c 'sleep $n; :' " . implode(' ', $args) . ' & sleep 0.3; exit 0'];
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'build' => [
    $leave(321, $url),                                  // whole
    $leave(322, str_repeat('a', 166), 'b', $url),       // cut inside the password (a name fits 255 bytes)
]]));
$r->prepare($g['first']);
foreach ($lines as $l) {
    if ($l['level'] !== 'warning') {
        continue;
    }
    $m = preg_replace(['/pid \d+/', '/a{166}/'], ['pid N', 'A*166'], $l['message']);
    echo substr($m, strpos($m, 'SIGKILL): ') + 10), "\n";
    echo "  ", bg_secret_shown($pw, $l['message']), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('secret-left');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
pid N `sh -c sleep 321; : https://deploy:***@repo.example.com/pkg.git`, pid N `sleep 321`
  no part of the password
pid N `sh -c sleep 322; : A*166 b ...`, pid N `sleep 322`
  no part of the password
