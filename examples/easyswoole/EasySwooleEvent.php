<?php
/*
 * EasySwoole's EasySwooleEvent.php (the 3.4+ template) with the seed's
 * process registration: the only change to the project besides
 * App/Release/Release.php, App/HttpController/Health.php, bluegreen.php and
 * the port line in dev.php.
 */

namespace EasySwoole\EasySwoole;

use App\Release\Release;
use EasySwoole\Component\Process\Config;
use EasySwoole\EasySwoole\AbstractInterface\Event;
use EasySwoole\EasySwoole\Swoole\EventRegister;

class EasySwooleEvent implements Event
{
    public static function initialize()
    {
        date_default_timezone_set('Asia/Shanghai');
    }

    public static function mainServerCreate(EventRegister $register)
    {
        // The seed's `new Relase('Es-relase')`, with its Config spelled out:
        // enableCoroutine's default changed between easyswoole/component
        // versions, and run() needs a coroutine for go() and Coroutine::sleep().
        $config = new Config();
        $config->setProcessName('bluegreen');
        $config->setProcessGroup('bluegreen');
        $config->setArg(EASYSWOOLE_ROOT . '/bluegreen.php');
        $config->setEnableCoroutine(true);
        \EasySwoole\Component\Process\Manager::getInstance()->addProcess(new Release($config));
    }
}
