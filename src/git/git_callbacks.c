#include "git/git_callbacks.h"
#include "git/git_child.h"
#include "git/known_hosts.h"
#include "base/log.h"
#include "base/url.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Who we are to an SSH server that the URL names no user for: like ssh(1),
 * the local user. */
static const char *local_user(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw && pw->pw_name ? pw->pw_name : "git";
}

/* Offers kind once: 1 the first time, 0 after. */
static int first_offer(bg_git_session *s, unsigned int allowed, unsigned int kind)
{
	if (!(allowed & kind) || (s->offered & kind)) {
		return 0;
	}
	s->offered |= kind;
	return 1;
}

static int credentials(git_credential **out, const char *url, const char *user_from_url,
	unsigned int allowed, void *payload)
{
	bg_git_session *s = payload;
	const bg_git_options *g = s->auth;
	const char *user = user_from_url && *user_from_url ? user_from_url : g->username;

	(void) url;
	if (first_offer(s, allowed, GIT_CREDENTIAL_SSH_KEY)) {
		if (g->key) {
			return git_credential_ssh_key_new(out, user ? user : local_user(), g->pubkey, g->key, g->passphrase);
		}
		if (getenv("SSH_AUTH_SOCK")) {
			return git_credential_ssh_key_from_agent(out, user ? user : local_user());
		}
		git_error_set_str(GIT_ERROR_SSH, "SSH needs a key: set git.key, or run an ssh-agent "
			"(SSH_AUTH_SOCK is not set)");
		return GIT_EAUTH;
	}
	if (first_offer(s, allowed, GIT_CREDENTIAL_USERNAME)) {
		return git_credential_username_new(out, user ? user : local_user());
	}
	/* Credentials in the URL were tried by libgit2 already; ours, if any. */
	if (g->password && first_offer(s, allowed, GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
		return git_credential_userpass_plaintext_new(out, user ? user : "", g->password);
	}
	git_error_set_str(GIT_ERROR_NET, s->offered || user
		? "authentication failed: the remote refused the credentials offered"
		: "authentication required: give credentials in the URL or the `git` option "
		  "(username/password for HTTPS; key, or an ssh-agent, for SSH)");
	return GIT_EAUTH;
}

/* TLS certificates keep libgit2's verdict. SSH host keys are checked against
 * ~/.ssh/known_hosts by libgit2, against git.known_hosts by us, or not at all
 * when git.check_host is false. */
static int certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
	bg_git_session *s = payload;
	git_cert_hostkey *hk = (git_cert_hostkey *) cert;
	bg_error e;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2 || !s->auth->check_host) {
		return cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2 ? 0 : GIT_PASSTHROUGH;
	}
	if (!s->auth->known_hosts) {
		if (valid) {
			return 0;
		}
		bg_error_set(&e, BG_ERR_GIT, "the SSH host key of %s is not in ~/.ssh/known_hosts "
			"(add it with ssh-keyscan, or name another file in git.known_hosts)", host);
	} else if (!(hk->type & GIT_CERT_SSH_RAW)) {
		bg_error_set(&e, BG_ERR_GIT, "libgit2 did not give the SSH host key of %s to check", host);
	} else if (bg_known_hosts_check(s->auth->known_hosts, host, bg_url_port(s->url, 22),
			(const unsigned char *) hk->hostkey, hk->hostkey_len, &e) == 1) {
		return 0;
	}
	git_error_set_str(GIT_ERROR_SSH, e.msg);
	return GIT_ECERTIFICATE;
}

static int past_deadline(bg_git_session *s)
{
	char msg[128];

	if (bg_now_ms() <= s->deadline_ms) {
		return 0;
	}
	snprintf(msg, sizeof(msg), "timed out after %g s (command_timeout)", s->timeout_s);
	git_error_set_str(GIT_ERROR_NET, msg);
	return -1;
}

static int transfer_progress(const git_indexer_progress *stats, void *payload)
{
	(void) stats;
	bg_git_phase("negotiation and pack transfer", 1);
	return past_deadline(payload);
}

/* The server's "Counting objects..." lines: it is making the pack. */
static int sideband_progress(const char *text, int len, void *payload)
{
	(void) text;
	(void) len;
	bg_git_phase("negotiation and pack transfer", 1);
	return past_deadline(payload);
}

void bg_git_callbacks_init(git_remote_callbacks *cb, bg_git_session *s,
	const bg_git_options *auth, const char *url, double timeout_s)
{
	s->auth = auth;
	s->url = url;
	s->timeout_s = timeout_s;
	s->deadline_ms = bg_now_ms() + timeout_s * 1000;
	s->offered = 0;
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = credentials;
	cb->certificate_check = certificate_check;
	cb->transfer_progress = transfer_progress;
	cb->sideband_progress = sideband_progress;
	cb->payload = s;
}
