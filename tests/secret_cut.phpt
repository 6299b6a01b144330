--TEST--
A credential is never cut in half: a failure's message that is cut to fit (its 4 KB), or the last lines of an output whose window starts inside a line, drops the word cut through, so no part of a URL's password reaches the exception, the log, status(), state.json or history.jsonl
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('secret-cut');
// Two capitals in every 4 characters: no piece of it can be some other text.
$pw = 'PqRsTuVwXyZaBcDeFgHiJkLmNoPq';
$url = "https://deploy:$pw@repo.example.com/pkg.git";
$tail_max = 1535;  // bytes of output the last lines are read from (spawn.h: tail)
$g = bg_git_setup($box, [
    'index.php' => "<?php\n",
    'end.txt' => "fetching $url\n",
    // One line, longer than the window, which starts 10 characters into the password.
    'start.txt' => "fetching $url " . str_repeat('y', $tail_max - strlen("$pw@repo.example.com/pkg.git") + 10 - 2) . "\n",
]);
$log = "$box/bluegreen.log";
$deploy = function (array $step) use ($box, $g, $log): string {
    $r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'log_format' => 'json', 'build' => [$step]]));
    try {
        $r->deploy($g['first']);
        return 'no exception';
    } catch (BlueGreen\Exception $e) {
        return $e->getMessage();
    }
};
// Every place a failure goes, each searched for any 4 characters of the password.
$report = function (string $message) use ($box, $log, $pw) {
    $st = (new BlueGreen\Releaser(bg_min_options($box)))->status();
    $places = [
        'exception' => $message,
        'log' => file_get_contents($log),
        'status()' => print_r($st, true),
        'state.json' => file_get_contents("$box/releases/.bluegreen/state.json"),
        'history.jsonl' => file_get_contents("$box/releases/.bluegreen/history.jsonl"),
    ];
    foreach ($places as $where => $text) {
        echo "  $where: ", bg_secret_shown($pw, $text), "\n";
    }
    @unlink($log);
};

echo "-- the message cut at its 4 KB inside the password of the output's URL\n";
$step = fn (int $pad) => ['sh', '-c', 'cat end.txt; exit 3', str_repeat('x', $pad)];
$whole = $deploy($step(1));
$at = strpos($whole, 'https://deploy:');
echo "whole: ", strlen($whole) < 4000 ? 'short' : 'LONG', ", the URL masked: ", var_export(str_contains($whole, 'https://deploy:***@repo.example.com'), true), "\n";
@unlink($log);
// The cut (at 4095 bytes) falls 10 characters into the password.
$cut = $deploy($step(1 + 4095 - $at - strlen('https://deploy:') - 10));
echo "cut: ", strlen($cut) <= 4095 ? 'fits' : 'TOO LONG', ", ends ", var_export(substr($cut, -30), true), "\n";
$report($cut);

echo "-- the last lines read from inside the password of a long line\n";
$m = $deploy(['sh', '-c', 'cat start.txt; exit 3']);
echo "last lines: ", var_export(substr($m, strpos($m, "its last lines:\n") + 16, 8), true), "\n";
$report($m);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('secret-cut'));
?>
--EXPECT--
-- the message cut at its 4 KB inside the password of the output's URL
whole: short, the URL masked: true
cut: fits, ends '; its last lines:
fetching ...'
  exception: no part of the password
  log: no part of the password
  status(): no part of the password
  state.json: no part of the password
  history.jsonl: no part of the password
-- the last lines read from inside the password of a long line
last lines: '... yyyy'
  exception: no part of the password
  log: no part of the password
  status(): no part of the password
  state.json: no part of the password
  history.jsonl: no part of the password
