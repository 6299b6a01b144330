--TEST--
Releaser and Release lifecycle: no clone, no serialization, no dynamic properties, no second construction
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('lifecycle');
$r = new BlueGreen\Releaser(bg_min_options($box));

bg_expect_throw(fn () => clone $r);
bg_expect_throw(fn () => serialize($r));
bg_expect_throw(fn () => unserialize('O:18:"BlueGreen\Releaser":0:{}'));
bg_expect_throw(fn () => $r->dynamic = 1);
bg_expect_throw(fn () => $r->__construct(bg_min_options($box)));

echo "-- made without its constructor\n";
bg_expect_throw(fn () => (new ReflectionClass(BlueGreen\Releaser::class))->newInstanceWithoutConstructor());

echo "-- Release is made by the extension only\n";
bg_expect_throw(fn () => new BlueGreen\Release());
$rc = new ReflectionClass(BlueGreen\Release::class);
var_dump($rc->isFinal());
foreach ($rc->getProperties() as $p) {
    echo $p->getName(), ': ', $p->getType(), $p->isReadOnly() ? ' readonly' : '', "\n";
}

echo "-- exceptions\n";
foreach (['Config', 'Git', 'Build', 'Start', 'Nginx', 'Lock'] as $stage) {
    $c = new ReflectionClass("BlueGreen\\{$stage}Exception");
    echo $c->getName(), ' final=', var_export($c->isFinal(), true), ' parent=', $c->getParentClass()->getName(), "\n";
}
echo get_parent_class(BlueGreen\Exception::class), "\n";

echo "-- a cycle through the log callable is collected\n";
$holder = new stdClass();
$holder->releaser = new BlueGreen\Releaser(bg_min_options($box, ['log' => function () use ($holder) {}]));
unset($holder);
var_dump(gc_collect_cycles() > 0);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('lifecycle'));
?>
--EXPECT--
Error: Trying to clone an uncloneable object of class BlueGreen\Releaser
Exception: Serialization of 'BlueGreen\Releaser' is not allowed
Exception: Unserialization of 'BlueGreen\Releaser' is not allowed
Error: Cannot create dynamic property BlueGreen\Releaser::$dynamic
Error: Cannot call BlueGreen\Releaser::__construct() twice
-- made without its constructor
ReflectionException: Class BlueGreen\Releaser is an internal class marked as final that cannot be instantiated without invoking its constructor
-- Release is made by the extension only
Error: Call to private BlueGreen\Release::__construct() from global scope
bool(true)
commit: string readonly
path: string readonly
port: ?int readonly
createdAt: int readonly
-- exceptions
BlueGreen\ConfigException final=true parent=BlueGreen\Exception
BlueGreen\GitException final=true parent=BlueGreen\Exception
BlueGreen\BuildException final=true parent=BlueGreen\Exception
BlueGreen\StartException final=true parent=BlueGreen\Exception
BlueGreen\NginxException final=true parent=BlueGreen\Exception
BlueGreen\LockException final=true parent=BlueGreen\Exception
RuntimeException
-- a cycle through the log callable is collected
bool(true)
