--TEST--
bin/bluegreen usage: --help and -h print the usage on stdout (exit 0), for every command too and without the extension; no command, an unknown command or option, a misplaced option, too many arguments or a bad --interval print the usage on stderr (exit 2); without the extension it says how to load it (exit 2)
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-usage');
$cli = function (string $label, array $args, bool $ext = true) use ($box) {
    $res = bg_cli($args, $box, 10, $ext);
    bg_cli_show($label, $res, fn ($s) => str_replace(realpath(__DIR__ . '/../bin/bluegreen'), 'BIN', $s));
    return $res;
};

echo "-- help\n";
$help = $cli('--help', ['--help']);
echo "-h is --help: ", var_export(bg_cli(['-h'], $box) === $help, true), "\n";
echo "without the extension too: ", var_export(bg_cli(['--help'], $box, 10, false) === $help, true), "\n";
$cli('deploy --help', ['deploy', '--help']);
foreach (['status', 'check', 'rollback', 'run'] as $command) {
    foreach ([[$command, '--help'], ['-h', $command], ['--config', 'x.php', $command, '-h']] as $args) {
        $res = bg_cli($args, $box);
        echo implode(' ', $args), ": exit {$res['exit']}, stderr ", var_export($res['err'], true), ", ",
            strtok($res['out'], "\n"), "\n";
    }
}

echo "-- usage errors\n";
$cli('no command', []);
// The others: stdout empty, the problem, then the synopsis of the command or of all.
$usage_error = function (array $args) use ($box) {
    $res = bg_cli($args, $box);
    $err = explode("\n", $res['err']);
    $synopsis = str_starts_with($err[1], 'Usage: bluegreen [--config FILE] [-q|-v] COMMAND') ? 'all commands' : substr($err[1], 41);
    echo str_pad(implode(' ', $args), 28), " exit {$res['exit']}, stdout ", var_export($res['out'], true), ", $err[0]; usage: $synopsis\n";
};
foreach ([['deploi', '--json'], ['status', '--jsn'], ['-x'], ['check', '--json'], ['deploy', '--interval', '5'],
    ['deploy', 'abc1234', 'def5678'], ['status', 'now'], ['status', '--config'], ['run', '--interval']] as $args) {
    $usage_error($args);
}
foreach (['0', '-1', 'x', '1.5', '86401', '30s', ''] as $bad) {
    $usage_error(['run', "--interval=$bad"]);
}

echo "-- no extension\n";
$cli('status without the extension', ['status'], false);
bg_rmrf($box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('cli-usage'));
?>
--EXPECT--
-- help
--help: exit 0
  stdout| Usage: bluegreen [--config FILE] [-q|-v] COMMAND [ARGS]
  stdout| 
  stdout| Zero-downtime blue/green deploys of an EasySwoole service behind nginx.
  stdout| 
  stdout| Commands:
  stdout|   status [--json]      what is live, on which port, since when; the last error; failed commits
  stdout|   check                print the new commit on the branch, or "up to date"
  stdout|   deploy [COMMIT]      release the branch head (or COMMIT) if it is new
  stdout|   rollback             put the previous release live again
  stdout|   history [-n N] [--json] the last N deploys, rollbacks and refusals (default 20)
  stdout|   report --html FILE   write the report page: live, previous, failures, a timeline
  stdout|   run [--interval N]   check and deploy every N s (default 30) until SIGTERM/SIGINT
  stdout|   fleet SUBCOMMAND     the fleet: status (rollout, hosts, slots), pause, resume, abort
  stdout| 
  stdout| Options:
  stdout|   --config FILE   a PHP file returning the options array (default: ./bluegreen.php)
  stdout|   -q, --quiet     log only warnings and errors (log lines go to stderr)
  stdout|   -v, --verbose   log debug lines too
  stdout|   -h, --help      this help; "bluegreen COMMAND --help" for one command's
  stdout| 
  stdout| Exit codes: 0 done, 1 failed (the stage on stderr), 2 usage or configuration
  stdout| error, 3 another deploy holds the lock.
-h is --help: true
without the extension too: true
deploy --help: exit 0
  stdout| Usage: bluegreen [--config FILE] [-q|-v] deploy [COMMIT]
  stdout| 
  stdout| The whole release: check (unless COMMIT, a full or short sha, is given),
  stdout| prepare, start on the idle port, switch nginx, drain, stop the old service.
  stdout| Prints "<sha> live on port <port> (<release>)", or "nothing new".
  stdout| 
  stdout| Options:
  stdout|   --config FILE   a PHP file returning the options array (default: ./bluegreen.php)
  stdout|   -q, --quiet     log only warnings and errors (log lines go to stderr)
  stdout|   -v, --verbose   log debug lines too
  stdout|   -h, --help      this help; "bluegreen COMMAND --help" for one command's
  stdout| 
  stdout| Exit codes: 0 done, 1 failed (the stage on stderr), 2 usage or configuration
  stdout| error, 3 another deploy holds the lock.
status --help: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] status [--json]
-h status: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] status [--json]
--config x.php status -h: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] status [--json]
check --help: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] check
-h check: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] check
--config x.php check -h: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] check
rollback --help: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] rollback
-h rollback: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] rollback
--config x.php rollback -h: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] rollback
run --help: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] run [--interval N]
-h run: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] run [--interval N]
--config x.php run -h: exit 0, stderr '', Usage: bluegreen [--config FILE] [-q|-v] run [--interval N]
-- usage errors
no command: exit 2
  stderr| bluegreen: no command given
  stderr| Usage: bluegreen [--config FILE] [-q|-v] COMMAND [ARGS]
  stderr| 
  stderr| Zero-downtime blue/green deploys of an EasySwoole service behind nginx.
  stderr| 
  stderr| Commands:
  stderr|   status [--json]      what is live, on which port, since when; the last error; failed commits
  stderr|   check                print the new commit on the branch, or "up to date"
  stderr|   deploy [COMMIT]      release the branch head (or COMMIT) if it is new
  stderr|   rollback             put the previous release live again
  stderr|   history [-n N] [--json] the last N deploys, rollbacks and refusals (default 20)
  stderr|   report --html FILE   write the report page: live, previous, failures, a timeline
  stderr|   run [--interval N]   check and deploy every N s (default 30) until SIGTERM/SIGINT
  stderr|   fleet SUBCOMMAND     the fleet: status (rollout, hosts, slots), pause, resume, abort
  stderr| Run 'bluegreen --help' for more.
deploi --json                exit 2, stdout '', bluegreen: unknown command 'deploi'; usage: all commands
status --jsn                 exit 2, stdout '', bluegreen: unknown option --jsn; usage: status [--json]
-x                           exit 2, stdout '', bluegreen: unknown option -x; usage: all commands
check --json                 exit 2, stdout '', bluegreen: --json is an option of status and history only; usage: check
deploy --interval 5          exit 2, stdout '', bluegreen: --interval is an option of run only; usage: deploy [COMMIT]
deploy abc1234 def5678       exit 2, stdout '', bluegreen: too many arguments for deploy; usage: deploy [COMMIT]
status now                   exit 2, stdout '', bluegreen: too many arguments for status; usage: status [--json]
status --config              exit 2, stdout '', bluegreen: --config needs a value; usage: status [--json]
run --interval               exit 2, stdout '', bluegreen: --interval needs a value; usage: run [--interval N]
run --interval=0             exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, '0' given; usage: run [--interval N]
run --interval=-1            exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, '-1' given; usage: run [--interval N]
run --interval=x             exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, 'x' given; usage: run [--interval N]
run --interval=1.5           exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, '1.5' given; usage: run [--interval N]
run --interval=86401         exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, '86401' given; usage: run [--interval N]
run --interval=30s           exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, '30s' given; usage: run [--interval N]
run --interval=              exit 2, stdout '', bluegreen: --interval must be a whole number of seconds from 1 to 86400, '' given; usage: run [--interval N]
-- no extension
status without the extension: exit 2
  stderr| bluegreen: the bluegreen extension is not loaded. Load it for one run:
  stderr|   php -d extension=bluegreen.so BIN status
  stderr| or for good, with this line in PHP's ini (php --ini lists the files):
  stderr|   extension=bluegreen.so