<?php
/*
 * The seed's "Relase" custom process, with bluegreen doing every step: the
 * same go() + while (true) + Coroutine::sleep() loop, around one call, and a
 * push webhook's wake() ending the 30 s wait.
 *
 * Registered in EasySwooleEvent::mainServerCreate (EasySwooleEvent.php beside
 * this directory) as new Release($config), $config's arg being the options
 * file: the one way, as README.md shows it. Every release runs one; the lock
 * under releases_dir/.bluegreen/ lets one deploy at a time.
 */

namespace App\Release;

use BlueGreen\Releaser;
use EasySwoole\Component\Process\AbstractProcess;
use Swoole\Coroutine;

class Release extends AbstractProcess
{
    /** Seconds between two polls of the branch, as in the seed. */
    private const INTERVAL = 30;

    /**
     * new Release($config), $config an EasySwoole\Component\Process\Config
     * whose arg is the options file. Registered without it (the seed's
     * `new Relase('Es-relase')`: a name, no arg), the service does not start:
     * this says what to pass, where the process would only have failed later
     * on an empty path.
     */
    public function __construct(...$args)
    {
        parent::__construct(...$args);
        $file = $this->getConfig()->getArg();
        if (!is_string($file) || $file === '') {
            throw new \InvalidArgumentException(static::class . ' needs the options file as its argument, got '
                . get_debug_type($file) . ': register it as new Release($config) with '
                . "\$config->setArg(EASYSWOOLE_ROOT . '/bluegreen.php') (see EasySwooleEvent.php in bluegreen's examples)");
        }
    }

    /** @param string $arg the options file (bluegreen.php at the project's root) */
    protected function run($arg)
    {
        if (!is_file($arg)) {
            // require would end this process with a fatal error, over and over.
            error_log("bluegreen: not deploying: options file $arg not found (the argument of new Release(\$config))");
            return;
        }
        try {
            $releaser = new Releaser(require $arg);
        } catch (\Throwable $e) {
            // A wrong option: said once, not every 30 s; the service serves on.
            // (Thrown from run(), it would end this process, and Swoole would
            // start it again at once.)
            error_log('bluegreen: not deploying: ' . get_class($e) . ': ' . $e->getMessage());
            return;
        }

        go(static function () use ($releaser) {
            while (true) {
                // The seed's whole loop body: check the branch; when it moved,
                // clone and build the new release, start it on the idle port,
                // prove it healthy, switch nginx's upstream and reload, let
                // in-flight requests drain, stop the old service (the one this
                // process is part of: it hands over and is stopped with it).
                // tick() never throws for a failed deploy: it is logged, the
                // old release keeps serving, and that commit is not tried
                // again until the branch moves.
                $releaser->tick();

                // Every 30 s, whatever happened (the seed slept only after a
                // deploy, and looped flat out otherwise), or at once when a
                // push webhook called wake() (App/HttpController/Webhook.php):
                // woken() is one stat(), asked every second. tick() blocks
                // this process while it deploys: SIGTERM waits for it.
                for ($waited = 0; $waited < self::INTERVAL && !$releaser->woken(); $waited++) {
                    Coroutine::sleep(1);
                }
            }
        });
    }
}
