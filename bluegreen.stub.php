<?php

/**
 * The single source of bluegreen's PHP API. bluegreen_arginfo.h is generated
 * from it: see "Changing the API" in README.md.
 *
 * @generate-class-entries
 */

namespace BlueGreen {
    /**
     * Zero-downtime blue/green releases of an EasySwoole service behind nginx.
     *
     * @strict-properties
     * @not-serializable
     */
    final class Releaser
    {
        public function __construct(array $options) {}

        /**
         * The full sha of the branch head on the remote when it differs
         * from the live release's commit (fetched into the cache), else
         * null. An unchanged remote is only asked for its refs.
         */
        public function check(): ?string {}

        /**
         * Makes a release of $commit (a full or unambiguous short sha)
         * beside the live one: releases_dir/release-<UTC time>-<short sha>,
         * a working tree at exactly that commit, hardlinked from the cache,
         * with the shared paths linked and the build steps run.
         */
        public function prepare(string $commit): Release {}

        /**
         * The pair's ports: the live one nginx points to (when it accepts
         * connections), the idle one, and those that accept connections.
         *
         * @return array{active: ?int, idle: int, listening: list<int>}
         */
        public function ports(): array {}

        /**
         * Starts the release on $port (the idle one) and waits until it is healthy.
         */
        public function start(Release $release, int $port): Release {}

        /**
         * Drains and stops the service on $port (never the one nginx points to).
         */
        public function stop(int $port): void {}

        /**
         * Points the nginx upstream at $port: config rewritten, tested,
         * nginx reloaded, and the reload proven; restored on any failure.
         */
        public function switchTo(int $port): void {}

        /**
         * The whole release: check (unless $commit is given), prepare, start
         * on the idle port, switch, drain, stop the old service, prune. The
         * new live release, or null when there was nothing new.
         */
        public function deploy(?string $commit = null): ?Release {}

        /**
         * One poll of the seed's loop: deploy() that never throws for a failed
         * deploy (it is logged and recorded) nor for a held lock, and does not
         * retry a failed commit until the branch moves.
         */
        public function tick(): ?Release {}

        /** The previous release goes live again. */
        public function rollback(): Release {}

        /**
         * What is running and why: live and previous releases, ports, the last
         * check, the last error, failed commits, a deploy under way.
         */
        public function status(): array {}

        /**
         * The last $limit deploys, rollbacks, heals and refusals, oldest first,
         * each as its line of releases_dir/.bluegreen/history.jsonl.
         */
        public function history(int $limit = 20): array {}

        /**
         * tick() every $interval seconds until SIGTERM or SIGINT; at once on
         * wake() (from any process) or SIGUSR1.
         */
        public function run(int $interval = 30): void {}

        /**
         * A push: the process running run() ticks now, and woken() says so.
         * For a webhook, in whatever process answers it.
         */
        public function wake(): void {}

        /** Whether wake() was called since this releaser's last tick() began. */
        public function woken(): bool {}

        /**
         * An operator's command to the fleet (the fleet option), one atomic
         * store operation: 'pause' (no member takes a new slot), 'resume',
         * 'abort' (the newest rollout is halted by the operator). What was done.
         */
        public function fleetControl(string $command): string {}
    }

    /**
     * One release directory: a working tree at one commit, and the port it
     * serves on once started.
     *
     * @strict-properties
     * @not-serializable
     */
    final class Release
    {
        public readonly string $commit;
        public readonly string $path;
        public readonly ?int $port;
        public readonly int $createdAt;

        private function __construct() {}
    }

    class Exception extends \RuntimeException
    {
    }

    final class ConfigException extends Exception
    {
    }

    final class GitException extends Exception
    {
    }

    final class BuildException extends Exception
    {
    }

    final class StartException extends Exception
    {
    }

    final class NginxException extends Exception
    {
    }

    final class LockException extends Exception
    {
    }
}
