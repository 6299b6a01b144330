--TEST--
Releaser::check() over ssh://: host keys checked (~/.ssh/known_hosts, git.known_hosts, or not), credentials from git.key or the agent
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (!is_executable('/usr/sbin/dropbear')) die('skip dropbear (Debian package dropbear-bin) is needed as the SSH server');
?>
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('check-ssh');
bg_git_setup($box);
[$port] = bg_free_ports();
$keygen = function (array $argv) {
    $p = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    proc_close($p);
    return $out;
};
// The server's host key, and a client key (with a passphrase) it does not know.
preg_match('/^(ssh-ed25519) (\S+)/m', $keygen(['dropbearkey', '-t', 'ed25519', '-f', "$box/host_key"]), $host);
$keygen(['ssh-keygen', '-q', '-t', 'ed25519', '-N', 'open sesame', '-C', '', '-f', "$box/id_ed25519"]);
$server = bg_start_server(['/usr/sbin/dropbear', '-F', '-E', '-s', '-p', "127.0.0.1:$port", '-r', "$box/host_key"],
    $port, "$box/server.pid");

// libgit2 reads ~/.ssh/known_hosts: an empty home makes the host unknown there.
putenv("HOME=$box");
putenv('SSH_AUTH_SOCK');
file_put_contents("$box/known_ok", "# comment\nother.example $host[1] $host[2]\n[127.0.0.1]:$port,!nowhere $host[1] $host[2]\n");
file_put_contents("$box/known_wildcard", "[127.0.0.?]:* $host[1] $host[2]\n");
file_put_contents("$box/known_other_host", "[127.0.0.2]:$port $host[1] $host[2]\n|1|c2FsdA==|aGFzaA== $host[1] $host[2]\n");
file_put_contents("$box/known_wrong_key", "[127.0.0.1]:$port ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
file_put_contents("$box/known_revoked", "@revoked [127.0.0.1]:$port $host[1] $host[2]\n[127.0.0.1]:$port $host[1] $host[2]\n");

$try = function (array $git) use ($box, $port) {
    try {
        (new BlueGreen\Releaser(bg_min_options($box, ['remote' => "ssh://git@127.0.0.1:$port/remote.git", 'git' => $git])))->check();
        echo "no exception\n";
    } catch (Throwable $e) {
        $m = str_replace([$box, (string) $port], ['BOX', 'PORT'], $e->getMessage());
        echo get_class($e), ': ', $m, str_contains($m, 'open sesame') ? ' (PASSPHRASE SHOWN)' : '', "\n";
    }
};

echo "-- host keys\n";
$try([]);
$try(['check_host' => false]);
$try(['known_hosts' => "$box/known_ok"]);
$try(['known_hosts' => "$box/known_wildcard"]);
$try(['known_hosts' => "$box/known_other_host"]);
$try(['known_hosts' => "$box/known_wrong_key"]);
$try(['known_hosts' => "$box/known_revoked"]);

echo "-- credentials (the host key accepted)\n";
$try(['known_hosts' => "$box/known_ok", 'key' => "$box/id_ed25519", 'passphrase' => 'wrong']);
$try(['known_hosts' => "$box/known_ok", 'key' => "$box/id_ed25519", 'passphrase' => 'open sesame']);

bg_stop_server($server, "$box/server.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_kill_pidfile(sys_get_temp_dir() . '/bluegreen-test-check-ssh/server.pid');
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-check-ssh');
?>
--EXPECTF--
-- host keys
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): the SSH host key of 127.0.0.1 is not in ~/.ssh/known_hosts (add it with ssh-keyscan, or name another file in git.known_hosts)
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): SSH needs a key: set git.key, or run an ssh-agent (SSH_AUTH_SOCK is not set)
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): SSH needs a key: set git.key, or run an ssh-agent (SSH_AUTH_SOCK is not set)
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): SSH needs a key: set git.key, or run an ssh-agent (SSH_AUTH_SOCK is not set)
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): [127.0.0.1]:PORT is not in the known_hosts file BOX/known_other_host: add it (ssh-keyscan -p PORT 127.0.0.1 >> BOX/known_other_host); its hashed entries (ssh-keyscan -H) cannot be read here
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): the SSH host key of [127.0.0.1]:PORT does not match its entry in BOX/known_wrong_key: if the server's key really changed, replace the entry
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): the SSH host key of [127.0.0.1]:PORT is marked @revoked in BOX/known_revoked
-- credentials (the host key accepted)
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): Failed to authenticate SSH session: %sWrong passphrase%s
BlueGreen\GitException: cannot list the branches of ssh://git@127.0.0.1:PORT/remote.git (branch master): authentication failed: the remote refused the credentials offered
