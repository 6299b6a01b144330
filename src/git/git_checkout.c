#include "git/git_checkout.h"
#include "base/fs.h"
#include "git/git_util.h"
#include "base/strv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Whether `name` is in a directory of libgit2's search path for a config
 * level (where it also looks for attribute files); 1 when it cannot tell. */
static int in_search_path(int level, const char *name)
{
	git_buf buf = GIT_BUF_INIT;
	const char *p;
	int found = 0;

	if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, level, &buf) < 0) {
		git_error_clear();
		return 1;
	}
	for (p = buf.ptr; p && *p && !found; ) {
		size_t len = strcspn(p, ":");
		char *path = bg_asprintf("%.*s/%s", (int) len, p, name);

		found = !path || bg_path_exists(path);
		free(path);
		p += len + (p[len] == ':');
	}
	git_buf_dispose(&buf);
	return found;
}

static int config_set(git_config *cfg, const char *name)
{
	git_config_entry *entry = NULL;
	int set = git_config_get_entry(&entry, cfg, name) == 0;

	git_config_entry_free(entry);
	git_error_clear();
	return set;
}

/* core.autocrlf true converts on checkout; "input" does not, but counting
 * anything but false as on is the careful side. */
static int autocrlf_on(git_config *cfg)
{
	int on = 0;

	if (!config_set(cfg, "core.autocrlf")) {
		return 0;
	}
	if (git_config_get_bool(&on, cfg, "core.autocrlf") < 0) {
		git_error_clear();
		return 1;
	}
	return on;
}

/* Whether an attributes file outside the tree (info/attributes, the
 * system's gitattributes, core.attributesFile or the XDG git/attributes),
 * core.autocrlf or core.eol may ask for a filter. */
static int filters_configured(git_repository *repo)
{
	git_config *cfg = NULL;
	char *info = bg_asprintf("%sinfo/attributes", git_repository_path(repo));
	int found = !info || bg_path_exists(info)
		|| in_search_path(GIT_CONFIG_LEVEL_SYSTEM, "gitattributes")
		|| git_repository_config_snapshot(&cfg, repo) < 0
		|| autocrlf_on(cfg) || config_set(cfg, "core.eol") || config_set(cfg, "core.attributesfile")
		|| in_search_path(GIT_CONFIG_LEVEL_XDG, "attributes");

	git_error_clear();
	git_config_free(cfg);
	free(info);
	return found;
}

/* The words of an attributes file that can make the checkout write other
 * bytes than the blob's: an eol of CRLF (eol=crlf, the old crlf attribute,
 * a macro naming either), ident and a filter driver. text, -text, binary,
 * eol=lf and every other attribute leave a blob as it is on checkout
 * (libgit2 converts to CRLF only for eol=crlf, core.autocrlf=true or
 * core.eol=crlf, the last two found by filters_configured()). */
static const char *const converting_words[] = { "crlf", "ident", "filter" };

static int has_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i + n <= len; i++) {
		if (strncasecmp(text + i, word, n) == 0) {
			return 1;
		}
	}
	return 0;
}

static int converts(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(converting_words) / sizeof(converting_words[0]); i++) {
		if (has_word(text, len, converting_words[i])) {
			return 1;
		}
	}
	return 0;
}

typedef struct {
	git_repository *repo;
	int found;
} attr_scan;

/* Stops the walk at the first .gitattributes that may convert (or that
 * cannot be read: the careful side). */
static int scan_gitattributes(const char *root, const git_tree_entry *entry, void *data)
{
	attr_scan *scan = data;
	git_blob *blob = NULL;

	(void) root;
	if (strcmp(git_tree_entry_name(entry), ".gitattributes") != 0) {
		return 0;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB
		|| git_blob_lookup(&blob, scan->repo, git_tree_entry_id(entry)) < 0) {
		scan->found = 1;
	} else {
		scan->found = converts(git_blob_rawcontent(blob), (size_t) git_blob_rawsize(blob));
	}
	git_blob_free(blob);
	return scan->found ? -1 : 0;  /* -1 stops the walk */
}

/* libgit2 looks attributes up for every file it writes (a realpath() of
 * each path, twice: most of the CPU of a large checkout); when no
 * attribute source and no setting can change a blob's bytes, the filters
 * are off and the blobs are written as they are, the same files. */
static int needs_filters(git_repository *repo, git_tree *tree)
{
	attr_scan scan = { repo, 0 };

	if (filters_configured(repo)) {
		return 1;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, scan_gitattributes, &scan) < 0 && !scan.found) {
		scan.found = 1;  /* the walk failed: keep the filters */
	}
	git_error_clear();
	return scan.found;
}

/* libgit2 hashes every object it reads again (strict verification: a third
 * of a large checkout's CPU, its SHA-1 detecting collisions); the cache's
 * objects were hashed as they came in (the indexer of a fetch, the seed's
 * verification), zlib's checksum still guards each, and git's own checkout
 * does not hash them either. Off for the checkout alone, in the git child:
 * the seed's verification relies on it. */
static int checkout_unhashed(git_repository *repo, git_tree *tree, const git_checkout_options *co)
{
	int rc;

	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	rc = git_checkout_tree(repo, (git_object *) tree, co);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	return rc;
}

int bg_git_checkout_commit(git_repository *repo, const git_oid *oid, const char *refname,
	bg_error *err)
{
	git_checkout_options co;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	int rc = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_RECREATE_MISSING;
	if (git_commit_lookup(&commit, repo, oid) < 0 || git_commit_tree(&tree, commit) < 0
		|| (refname && git_reference_create(&ref, repo, refname, oid, 1, "bluegreen: release") < 0)
		|| (refname ? git_repository_set_head(repo, refname) : git_repository_set_head_detached(repo, oid)) < 0) {
		bg_git_fail(err, "cannot check out %s in %s", git_oid_tostr_s(oid), git_repository_workdir(repo));
		goto cleanup;
	}
	co.disable_filters = !needs_filters(repo, tree);
	if (checkout_unhashed(repo, tree, &co) < 0) {
		bg_git_fail(err, "cannot check out %s in %s", git_oid_tostr_s(oid), git_repository_workdir(repo));
		goto cleanup;
	}
	rc = 0;

cleanup:
	git_reference_free(ref);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}
