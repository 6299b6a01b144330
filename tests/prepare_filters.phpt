--TEST--
Releaser::prepare() and .gitattributes: a tree whose attributes change no bytes is written as its blobs (the filters off, the fast way); eol=crlf, in a nested file or through a macro, still converts
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-filters');
$g = bg_git_setup($box, ['index.php' => "<?php echo 'v1';\n"]);
$r = new BlueGreen\Releaser(bg_min_options($box, ['build' => [], 'log' => function () {}]));
$show = function (BlueGreen\Release $rel, array $paths): void {
    foreach ($paths as $p) {
        echo "$p: ", json_encode(file_get_contents("$rel->path/$p")), "\n";
    }
};

echo "-- text, eol=lf and binary only: every file as its blob\n";
$c1 = bg_git_commit($g['work'], [
    '.gitattributes' => "* text=auto\n*.php text eol=lf diff=php\n*.png binary\n/tests export-ignore\n",
    'lib/.gitattributes' => "*.txt text\n",
    'lib/a.php' => "<?php\n// a\n",
    'lib/notes.txt' => "one\ntwo\n",
    'img/x.png' => "PNG\r\n\x1a\n",
], 'attributes that convert nothing');
bg_git_push($g['work']);
$show($r->prepare($c1), ['lib/a.php', 'lib/notes.txt', 'img/x.png']);

echo "-- eol=crlf in a nested .gitattributes, and a macro naming it: converted\n";
$c2 = bg_git_commit($g['work'], [
    'win/.gitattributes' => "*.bat eol=crlf\n",
    'win/run.bat' => "echo one\necho two\n",
    '.gitattributes' => "[attr]dos text eol=crlf\n*.cmd dos\n*.php text eol=lf\n",
    'go.cmd' => "a\nb\n",
], 'attributes that convert');
bg_git_push($g['work']);
$show($r->prepare($c2), ['win/run.bat', 'go.cmd', 'lib/a.php', 'img/x.png']);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-prepare-filters');
?>
--EXPECT--
-- text, eol=lf and binary only: every file as its blob
lib/a.php: "<?php\n\/\/ a\n"
lib/notes.txt: "one\ntwo\n"
img/x.png: "PNG\r\n\u001a\n"
-- eol=crlf in a nested .gitattributes, and a macro naming it: converted
win/run.bat: "echo one\r\necho two\r\n"
go.cmd: "a\r\nb\r\n"
lib/a.php: "<?php\n\/\/ a\n"
img/x.png: "PNG\r\n\u001a\n"
