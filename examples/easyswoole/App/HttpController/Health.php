<?php
/*
 * The route bluegreen's health check asks for: GET /health answers 200 "ok".
 * A stock EasySwoole app has no /health (its Index controller answers 404 for
 * it), and a release whose check answers 404 never goes live. EasySwoole 3.x
 * routes /health to App\HttpController\Health::index() by itself: copying
 * this file to App/HttpController/ is all it takes.
 *
 * It answers from a worker of the new release, so a 200 means that release
 * started and serves. Keep it cheap: it is asked health.successes times
 * (3) before the switch and once after the drain, and at every tick (30 s)
 * for the live release. Check what the service cannot serve without (a
 * database connection, ...) here if you want a release that cannot reach it
 * to be refused; answer a 5xx then.
 *
 * Without this file, set 'health' => ['path' => '/'] in bluegreen.php: the
 * skeleton's Index controller answers / with its welcome page.
 */

namespace App\HttpController;

use EasySwoole\Http\AbstractInterface\Controller;

class Health extends Controller
{
    public function index()
    {
        $this->response()->write("ok\n");
    }
}
