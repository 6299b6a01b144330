--TEST--
bin/bluegreen configuration: no ./bluegreen.php and no --config, a missing file, a file that returns no array, fails to parse or throws, and options the releaser refuses (ValueError, TypeError, ConfigException) each exit 2 naming the file and the option; a good file works by --config FILE, --config=FILE and as ./bluegreen.php; a root that is no repository makes check and deploy exit 1
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-config');
mkdir("$box/cwd");
$opts = bg_min_options($box);
$files = [
    'int.php' => "<?php\nreturn 42;\n",
    'noreturn.php' => "<?php\n\$options = [];\n",
    'parse.php' => "<?php\nreturn [\n",
    'throws.php' => "<?php\nthrow new RuntimeException('no .env here');\n",
];
foreach ($files as $name => $php) {
    file_put_contents("$box/$name", $php);
}
bg_cli_config("$box/unknown.php", $opts + ['bogus' => 1]);
bg_cli_config("$box/type.php", ['ports' => '9501,9502'] + $opts);
bg_cli_config("$box/value.php", ['ports' => [80, 80]] + $opts);
bg_cli_config("$box/nofile.php", ['nginx' => ['conf' => "$box/none.conf", 'upstream' => 'app']] + $opts);
bg_cli_config("$box/good.php", $opts);
$n = fn (string $s) => str_replace($box, 'BOX', $s);
$run = function (array $args) use ($box, $n) {
    $res = bg_cli($args, "$box/cwd");
    echo str_pad($n(implode(" ", $args)), 34), " exit {$res['exit']}, stdout ", var_export($n($res['out']), true), "\n  ",
        $n(rtrim($res['err'])), "\n";
};

echo "-- exit 2\n";
$run(['status']);
$run(['--config', 'missing.php', 'status']);
$run(['--config', "$box", 'status']);
foreach (['int', 'noreturn', 'parse', 'throws', 'unknown', 'type', 'value', 'nofile'] as $name) {
    $run(['--config', "../$name.php", 'status']);
}

echo "-- a good file\n";
foreach ([['--config', "$box/good.php", 'status'], ["--config=../good.php", 'status']] as $args) {
    $res = bg_cli($args, "$box/cwd");
    echo implode(' ', $args) === "--config=../good.php status" ? '--config=FILE' : '--config FILE', ": exit {$res['exit']}, ",
        strtok($res['out'], "\n"), ", stderr ", var_export($res['err'], true), "\n";
}
copy("$box/good.php", "$box/cwd/bluegreen.php");
$res = bg_cli(['status'], "$box/cwd");
echo "./bluegreen.php: exit {$res['exit']}, ", strtok($res['out'], "\n"), "\n";

echo "-- root is no repository: exit 1\n";
$run(['check']);
$run(['deploy']);
bg_rmrf($box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('cli-config'));
?>
--EXPECT--
-- exit 2
status                             exit 2, stdout ''
  bluegreen: no configuration: pass --config FILE (a PHP file returning the options array) or put one at ./bluegreen.php
--config missing.php status        exit 2, stdout ''
  bluegreen: --config missing.php: no such readable file
--config BOX status                exit 2, stdout ''
  bluegreen: --config BOX: no such readable file
--config ../int.php status         exit 2, stdout ''
  bluegreen: ../int.php must return the options array, it returned int
--config ../noreturn.php status    exit 2, stdout ''
  bluegreen: ../noreturn.php must return the options array, it returned int
--config ../parse.php status       exit 2, stdout ''
  bluegreen: ../parse.php: ParseError: Unclosed '[' on line 2
--config ../throws.php status      exit 2, stdout ''
  bluegreen: ../throws.php: RuntimeException: no .env here (BOX/throws.php:2)
--config ../unknown.php status     exit 2, stdout ''
  bluegreen: ../unknown.php: Unknown option "bogus"
--config ../type.php status        exit 2, stdout ''
  bluegreen: ../type.php: Option "ports" must be of type array, string given
--config ../value.php status       exit 2, stdout ''
  bluegreen: ../value.php: Option "ports" must hold two different ports between 1 and 65535
--config ../nofile.php status      exit 2, stdout ''
  bluegreen: ../nofile.php: Option "nginx.conf": file BOX/none.conf: No such file or directory
-- a good file
--config FILE: exit 0, live        none recorded: no deploy yet, root serves as before, stderr ''
--config=FILE: exit 0, live        none recorded: no deploy yet, root serves as before, stderr ''
./bluegreen.php: exit 0, live        none recorded: no deploy yet, root serves as before
-- root is no repository: exit 1
check                              exit 1, stdout ''
  check failed: cannot read the live commit (root): cannot read the HEAD of BOX/releases/app: could not find repository from 'BOX/releases/app'
deploy                             exit 1, stdout ''
  deploy failed at check: cannot tell the live commit (root, before any deploy): cannot read the HEAD of BOX/releases/app: could not find repository from 'BOX/releases/app'