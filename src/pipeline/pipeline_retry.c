/* Failures of the environment, not of the release: nginx down, a disk full,
 * a remote that does not answer. The commit is not to blame, so it is not
 * marked failed (which would leave it alone until the branch moves): tick()
 * tries it again once a backoff has passed, doubling with each failure in a
 * row up to BG_RETRY_MAX_S. A failure of the release itself (build, start,
 * health, nginx -t rejecting the config) still marks the commit failed. */
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "nginx/nginx.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The longest wait between two retries: a few minutes. */
#define BG_RETRY_MAX_S 300

static const char *errno_reason(int e)
{
	switch (e) {
	case ENOSPC: return "the disk is full";
	case EDQUOT: return "the disk quota is exhausted";
	case EROFS: return "the file system is read-only";
	default: return NULL;
	}
}

/* nginx's fault rather than the config's: its master is not running (now),
 * or its test or reload command could not be run at all. */
static const char *nginx_reason(const bg_pipeline *p, const bg_error *err)
{
	bg_error ignored;
	pid_t master;

	if (err->code != BG_ERR_NGINX) {
		return NULL;
	}
	if (bg_options_socket_switch(&p->r->opt)) {
		/* No config is tested there: the setup around the symlink is wrong. */
		return "the socket switch's setup is wrong";
	}
	if (bg_nginx_master(&p->r->opt, &master, &ignored) < 0) {
		return "nginx is not running";
	}
	if (err->sys_errno == ENOENT || err->sys_errno == EACCES || err->sys_errno == EPERM) {
		return "nginx's test or reload command cannot be run";
	}
	return NULL;
}

static const char *git_reason(const bg_error *err)
{
	if (err->code != BG_ERR_GIT) {
		return NULL;
	}
	switch (err->git_klass) {
	case GIT_ERROR_NET:
	case GIT_ERROR_SSH:
	case GIT_ERROR_HTTP:
		return "the remote is unreachable";
	default:
		return NULL;
	}
}

int bg_pipeline_environment_failed(const bg_pipeline *p, const bg_error *err, char *why, size_t size)
{
	const char *reason = errno_reason(err->sys_errno);

	if (!reason && !(reason = git_reason(err)) && !(reason = nginx_reason(p, err))) {
		/* A disk that filled while a child wrote: only its words say so. */
		if (strstr(err->msg, strerror(ENOSPC))) {
			reason = errno_reason(ENOSPC);
		} else if (strstr(err->msg, strerror(EROFS))) {
			reason = errno_reason(EROFS);
		} else {
			return 0;
		}
	}
	snprintf(why, size, "%s", reason);
	return 1;
}

void bg_pipeline_retry_later(bg_pipeline *p, const char *commit, const char *why, const bg_error *err)
{
	const char *step = p->st.deploy.step;
	bg_log_ctx ctx = { step, bg_now_ms() - p->step_t0, commit[0] ? commit : NULL, 0 };
	double first = p->r->opt.retry_backoff;
	char reason[BG_ERROR_MSG_MAX + 64];
	long long wait;

	snprintf(reason, sizeof(reason), "%s: %s", why, err->msg);
	wait = bg_state_retry_set(&p->st, commit, step, reason, first, first > BG_RETRY_MAX_S ? first : BG_RETRY_MAX_S);
	/* The last error says what happened; the failed commits stay as they were. */
	bg_state_fail(&p->st, NULL, step, err->msg);
	memcpy(p->st.last_error.commit, p->st.retry.commit, sizeof(p->st.retry.commit));
	bg_log_with(&p->r->log, BG_LOG_ERROR, &ctx, "deploy: %.*s failed at %s: %s; %s, which is not the commit's "
		"fault: tick() tries again in %lld s (attempt %d)", BG_SHORT_SHA_LEN, commit[0] ? commit : "?", step, err->msg, why,
		wait, p->st.retry.attempts);
}

int bg_pipeline_retry_waits(bg_pipeline *p)
{
	const bg_state_retry *r = &p->st.retry;
	long long now = (long long) time(NULL);

	if (!r->reason || r->after <= now) {
		return 0;
	}
	bg_log(&p->r->log, BG_LOG_DEBUG, "tick: the deploy of %.*s waits %lld s more before it is tried again (%s)",
		BG_SHORT_SHA_LEN, r->commit[0] ? r->commit : "?", r->after - now, r->reason);
	return 1;
}
