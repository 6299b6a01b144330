<?php
/*
 * The report page of `bluegreen report --html` served by the app itself,
 * behind a token: GET /report with `Authorization: Bearer <token>` (or
 * ?token=<token>, which ends up in access logs: prefer the header) answers
 * the page; a wrong token 403; and with no BLUEGREEN_REPORT_TOKEN in the
 * service's environment the route is off (404).
 *
 * Setup, in the project: copy this file to App/HttpController/ and the page's
 * renderer beside the process, then set the token where the service starts
 * (e.g. the systemd unit's Environment=, or the shell that runs `php
 * easyswoole.php server start`; every release inherits it from bluegreen):
 *
 *   cp "$BG"/examples/easyswoole/App/HttpController/Report.php App/HttpController/
 *   cp "$BG"/bin/bluegreen-report.php App/Release/
 *   export BLUEGREEN_REPORT_TOKEN=$(head -c 24 /dev/urandom | base64)
 *
 * The page is one self-contained document (inline CSS and SVG, no script),
 * so the strict Content-Security-Policy below costs it nothing. It reads
 * the same options file as the Release process: status() and history() read
 * releases_dir's state without taking the deploy lock.
 */

namespace App\HttpController;

use EasySwoole\Http\AbstractInterface\Controller;

class Report extends Controller
{
    /** How many deploys the timeline shows. */
    private const HISTORY = 50;

    public function index()
    {
        $token = (string) getenv('BLUEGREEN_REPORT_TOKEN');
        if ($token === '') {
            $this->response()->withStatus(404);
            return;
        }
        $auth = $this->request()->getHeaderLine('authorization');
        $given = str_starts_with($auth, 'Bearer ') ? substr($auth, 7) : (string) $this->request()->getQueryParam('token');
        if (!hash_equals($token, $given)) {
            $this->response()->withStatus(403);
            $this->response()->write("forbidden\n");
            return;
        }
        require_once EASYSWOOLE_ROOT . '/App/Release/bluegreen-report.php';
        $releaser = new \BlueGreen\Releaser(require EASYSWOOLE_ROOT . '/bluegreen.php');
        $html = \BlueGreen\Report\html($releaser->status(), $releaser->history(self::HISTORY));
        $this->response()->withHeader('Content-Type', 'text/html; charset=utf-8');
        $this->response()->withHeader('Cache-Control', 'no-store');
        $this->response()->withHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
        $this->response()->write($html);
    }
}
