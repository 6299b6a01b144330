--TEST--
Releaser log option: strings are always paths; each sink gets the lines — a file (appended, a time stamp each), a callable (closure, first-class callable, invokable; level, message, context), PHP's error_log (its file, or stderr without one), error_log again when the callable throws; the CLI's stderr, or the file its config names
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('log-sinks');

// A log file whose directory does not exist is a ConfigException.
bg_expect_throw(fn () => new BlueGreen\Releaser(bg_min_options($box, ['log' => "$box/no/dir/x.log"])));

// Closures, first-class callables and invokable objects are accepted.
foreach ([fn ($l, $m, $c) => null, strlen(...), new class { function __invoke() {} }] as $cb) {
    $r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $cb]));
    echo get_class($r), "\n";
}
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => "$box/deploy.log"]));
echo "file accepted\n";

// Each sink, given the line of a check() that finds nothing new:
// "check: master at SHA, nothing new (N ms)", at debug level.
$g = bg_git_setup("$box/g");
$short = substr($g['first'], 0, 7);
$opts = fn (array $log) => bg_min_options("$box/g", $log);
$stable = fn (string $s) => preg_replace(['/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/', '/\(\d+ ms\)/', '/\[[^\]]*\d\d:\d\d:\d\d[^\]]*\] /'],
    ['TIME', '(DURATION)', '[PHP TIME] '], str_replace([$short, $box], ['FIRST', 'BOX'], $s));
$show = function (string $label, string $text) use ($stable) {
    echo "$label:", $text === '' ? " (nothing)\n" : "\n" . preg_replace('/^/m', '  ', rtrim($stable($text), "\n")) . "\n";
};

echo "-- a file: one line per call, appended, created 0640 at most\n";
$file = "$box/g/bluegreen.log";
$r = new BlueGreen\Releaser($opts(['log' => $file]));
var_dump($r->check(), $r->check());
$show('the file', file_get_contents($file));
echo 'mode: ', decoct(fileperms($file) & 0777 & ~0640) === '0' ? 'within 0640' : decoct(fileperms($file) & 0777), "\n";

echo "-- callables: level, message, and the context of the step\n";
function record_line(string $level, string $message, array $ctx): void
{
    echo "  function: $level, ", preg_replace('/\(\d+ ms\)/', '(DURATION)', $message), "\n";
}
$closure = function (string $level, string $message, array $ctx) use ($stable, $g) {
    echo "  closure: $level, ", $stable($message), ', context: ', implode(' ', array_map(
        fn ($k, $v) => "$k=" . ($v === $g['first'] ? 'FIRST' : (is_float($v) ? 'float' : $v)), array_keys($ctx), $ctx)), "\n";
};
$invokable = new class {
    public function __invoke(string $level, string $message): void
    {
        echo "  object: $level, ", preg_replace('/\(\d+ ms\)/', '(DURATION)', $message), "\n";
    }
};
foreach ([$closure, record_line(...), $invokable] as $cb) {
    (new BlueGreen\Releaser($opts(['log' => $cb])))->check();
}

echo "-- no log option: PHP's error_log, a file when it names one\n";
$php_log = "$box/g/php-error.log";
ini_set('error_log', $php_log);
(new BlueGreen\Releaser($opts([])))->check();
$show('error_log', (string) @file_get_contents($php_log));

echo "-- a callable that throws: the line goes to error_log, saying so; check() goes on\n";
@unlink($php_log);
$throws = function () {
    throw new RuntimeException('sink down');
};
var_dump((new BlueGreen\Releaser($opts(['log' => $throws])))->check());
$show('error_log', (string) @file_get_contents($php_log));
ini_restore('error_log');

echo "-- no log option and no error_log: stderr (a PHP of its own)\n";
file_put_contents("$box/g/child.php", '<?php (new BlueGreen\Releaser(json_decode($argv[1], true)))->check();');
$proc = proc_open(bg_php(['-d', 'error_log=', "$box/g/child.php", json_encode($opts([]))]),
    [0 => ['file', '/dev/null', 'r'], 1 => $out = tmpfile(), 2 => $err = tmpfile()], $pipes);
$exit = bg_wait_exit(['proc' => $proc], 30);
proc_close($proc);
echo "exit $exit\n";
$show('stdout', bg_output(['out' => $out]));
$show('stderr', bg_output(['out' => $err]));

echo "-- the CLI: stderr as [level] message; the file its config names instead\n";
bg_cli_config("$box/g/bluegreen.php", $opts([]));
$res = bg_cli(['-v', 'check'], "$box/g");
echo "exit {$res['exit']}\n";
$show('stderr', $res['err']);
bg_cli_config("$box/g/bluegreen.php", $opts(['log' => "$box/g/cli.log"]));
$res = bg_cli(['-v', 'check'], "$box/g");
echo "exit {$res['exit']}\n";
$show('stderr', $res['err']);
$show('the file', (string) @file_get_contents("$box/g/cli.log"));
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('log-sinks'));
?>
--EXPECTF--
BlueGreen\ConfigException: Option "log": directory %s/no/dir: No such file or directory
BlueGreen\Releaser
BlueGreen\Releaser
BlueGreen\Releaser
file accepted
-- a file: one line per call, appended, created 0640 at most
NULL
NULL
the file:
  TIME debug: check: master at FIRST, nothing new (DURATION)
  TIME debug: check: master at FIRST, nothing new (DURATION)
mode: within 0640
-- callables: level, message, and the context of the step
  closure: debug, check: master at FIRST, nothing new (DURATION), context: step=check duration_ms=float commit=FIRST
  function: debug, check: master at %s, nothing new (DURATION)
  object: debug, check: master at %s, nothing new (DURATION)
-- no log option: PHP's error_log, a file when it names one
error_log:
  [PHP TIME] bluegreen debug: check: master at FIRST, nothing new (DURATION)
-- a callable that throws: the line goes to error_log, saying so; check() goes on
NULL
error_log:
  [PHP TIME] bluegreen: the log callable threw RuntimeException (sink down); the line was: check: master at FIRST, nothing new (DURATION)
-- no log option and no error_log: stderr (a PHP of its own)
exit 0
stdout: (nothing)
stderr:
  bluegreen debug: check: master at FIRST, nothing new (DURATION)
-- the CLI: stderr as [level] message; the file its config names instead
exit 0
stderr:
  [debug] check: master at FIRST, nothing new (DURATION)
exit 0
stderr: (nothing)
the file:
  TIME debug: check: master at FIRST, nothing new (DURATION)
