--TEST--
Releaser::__construct(): the git option group, and no credential shown by var_dump()
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('construct-git');
$ok = bg_min_options($box);
touch("$box/id_ed25519");
touch("$box/id_ed25519.pub");
touch("$box/known_hosts");
$try = fn (array $git) => bg_expect_throw(fn () => new BlueGreen\Releaser(['git' => $git] + $ok));

echo "-- errors name the key\n";
$try(['user' => 'x']);
$try(['username' => 1]);
$try(['password' => '']);
$try(['check_host' => 'no']);
$try(['key' => "$box/missing"]);
$try(['known_hosts' => "$box/missing"]);
$try(['pubkey' => "$box/id_ed25519.pub"]);
$try(['passphrase' => 'x']);
$try(['known_hosts' => "$box/known_hosts", 'check_host' => false]);
bg_expect_throw(fn () => new BlueGreen\Releaser(['git' => 'ssh'] + $ok));

echo "-- secrets are masked\n";
$r = new BlueGreen\Releaser([
    'remote' => 'https://deploy:s3cret-pass@git.example.com/app.git',
    'git' => [
        'username' => 'deploy', 'password' => 'hunter2', 'key' => "$box/id_ed25519",
        'pubkey' => "$box/id_ed25519.pub", 'passphrase' => 'open sesame',
        'known_hosts' => "$box/known_hosts",
    ],
] + $ok);
$dump = print_r($r, true);
foreach (['s3cret-pass', 'hunter2', 'open sesame'] as $secret) {
    echo $secret, ': ', str_contains($dump, $secret) ? 'SHOWN' : 'hidden', "\n";
}
ob_start();
var_dump($r);
$dump = str_replace($box, 'BOX', ob_get_clean());
preg_match('/\["remote"\]=>\s+string\(\d+\) "([^"]*)"/', $dump, $m);
echo "remote: $m[1]\n";
preg_match('/\["git"\]=>.*?\n  \}/s', $dump, $m);
echo $m[0], "\n";

echo "-- a token alone is masked whole\n";
$r = new BlueGreen\Releaser(['remote' => 'https://ghp_tokentoken@git.example.com/app.git'] + $ok);
echo str_contains(print_r($r, true), 'ghp_') ? 'SHOWN' : 'hidden', "\n";

echo "-- an SSH user name is no secret\n";
foreach (['ssh://git@git.example.com:2222/app.git', 'git+ssh://deploy:pw@git.example.com/app.git', 'git@git.example.com:app.git'] as $url) {
    $r = new BlueGreen\Releaser(['remote' => $url] + $ok);
    ob_start();
    var_dump($r);
    preg_match('/\["remote"\]=>\s+string\(\d+\) "([^"]*)"/', ob_get_clean(), $m);
    echo $m[1], "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-construct-git');
?>
--EXPECTF--
-- errors name the key
ValueError: Unknown option "git.user"
TypeError: Option "git.username" must be of type string, int given
ValueError: Option "git.password" must not be empty
TypeError: Option "git.check_host" must be of type bool, string given
BlueGreen\ConfigException: Option "git.key": file %s/missing: No such file or directory
BlueGreen\ConfigException: Option "git.known_hosts": file %s/missing: No such file or directory
ValueError: Option "git.pubkey" needs "git.key", the private key it goes with
ValueError: Option "git.passphrase" needs "git.key", the private key it unlocks
ValueError: Option "git.known_hosts" is meaningless with "git.check_host" => false
TypeError: Option "git" must be of type array, string given
-- secrets are masked
s3cret-pass: hidden
hunter2: hidden
open sesame: hidden
remote: https://deploy:***@git.example.com/app.git
["git"]=>
  array(7) {
    ["username"]=>
    string(6) "deploy"
    ["password"]=>
    string(3) "***"
    ["key"]=>
    string(%d) "BOX/id_ed25519"
    ["pubkey"]=>
    string(%d) "BOX/id_ed25519.pub"
    ["passphrase"]=>
    string(3) "***"
    ["known_hosts"]=>
    string(%d) "BOX/known_hosts"
    ["check_host"]=>
    bool(true)
  }
-- a token alone is masked whole
hidden
-- an SSH user name is no secret
ssh://git@git.example.com:2222/app.git
git+ssh://deploy:***@git.example.com/app.git
git@git.example.com:app.git
