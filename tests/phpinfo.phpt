--TEST--
phpinfo(): the bluegreen section names the versions and libgit2's transports
--EXTENSIONS--
bluegreen
--FILE--
<?php
$r = new ReflectionExtension('bluegreen');
ob_start();
$r->info();
echo ob_get_clean();
var_dump(phpversion('bluegreen') === $r->getVersion());
?>
--EXPECTF--
bluegreen

bluegreen support => enabled
bluegreen version => %d.%d.%d
libgit2 version => %d.%d.%d
libgit2 HTTPS => %s
libgit2 SSH => %s
libgit2 threads => %s
bool(true)
