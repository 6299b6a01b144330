/* A new cache seeded from root's packs, verified (git_seed.h). */
#include "git/git_seed.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/strv.h"
#include "git/git_util.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED_IGNORED "cache: root's objects not used as a seed (%s); the first fetch brings the whole history"

/* Whether name ends in suffix; *stem then is its length without it. */
static int has_suffix(const char *name, const char *suffix, size_t *stem)
{
	size_t n = strlen(name), s = strlen(suffix);

	*stem = n - s;
	return n > s && strcmp(name + n - s, suffix) == 0;
}

static int link_one(const char *from_dir, const char *to_dir, const char *name, size_t stem,
	const char *ext, char *why, size_t size)
{
	char *from = bg_asprintf("%s/%.*s%s", from_dir, (int) stem, name, ext);
	char *to = bg_asprintf("%s/%.*s%s", to_dir, (int) stem, name, ext);
	int rc = from && to && link(from, to) == 0 ? 0 : -1;

	if (rc < 0) {
		snprintf(why, size, "cannot hardlink %s: %s", from ? from : name, strerror(errno ? errno : ENOMEM));
	}
	free(from);
	free(to);
	return rc;
}

typedef struct {
	int packs, loose;
} seed_count;

/* Hardlinks every pack of from_dir with its index into to_dir, the pack
 * first: an index is what makes a pack seen, never one without its pack. */
static int link_packs(const char *from_dir, const char *to_dir, seed_count *n, char *why, size_t size)
{
	DIR *d = opendir(from_dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		return 0;  /* no pack directory: loose objects only */
	}
	while (rc == 0 && (e = readdir(d))) {
		size_t stem;

		if (has_suffix(e->d_name, ".pack", &stem)) {
			rc = link_one(from_dir, to_dir, e->d_name, stem, ".pack", why, size) < 0
				|| link_one(from_dir, to_dir, e->d_name, stem, ".idx", why, size) < 0 ? -1 : 0;
			n->packs += rc == 0;
		}
	}
	closedir(d);
	return rc;
}

/* Whether name is n hex digits. */
static int is_hex(const char *name, size_t n)
{
	return strlen(name) == n && strspn(name, "0123456789abcdef") == n;
}

/* Hardlinks the loose objects of one fan-out directory (objects/ab/). */
static int link_loose_dir(const char *from, const char *to, seed_count *n, char *why, size_t size)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = 0, made = 0;

	while (d && rc == 0 && (e = readdir(d))) {
		if (!is_hex(e->d_name, GIT_OID_HEXSZ - 2)) {
			continue;
		}
		if (!made && mkdir(to, 0755) < 0 && errno != EEXIST) {
			snprintf(why, size, "cannot make %s: %s", to, strerror(errno));
			rc = -1;
			break;
		}
		made = 1;
		rc = link_one(from, to, e->d_name, strlen(e->d_name), "", why, size);
		n->loose += rc == 0;
	}
	if (d) {
		closedir(d);
	}
	return rc;
}

/* Hardlinks root's objects (objects_dir: its packs and loose objects)
 * into the cache's. */
static int link_objects(const char *from, const char *to, seed_count *n, char *why, size_t size)
{
	char *from_pack = bg_asprintf("%s/pack", from), *to_pack = bg_asprintf("%s/pack", to);
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = from_pack && to_pack && d ? link_packs(from_pack, to_pack, n, why, size) : -1;

	if (!from_pack || !to_pack || !d) {
		snprintf(why, size, "cannot read %s: %s", from, strerror(errno ? errno : ENOMEM));
	}
	while (d && rc == 0 && (e = readdir(d))) {
		if (is_hex(e->d_name, 2)) {
			char *a = bg_asprintf("%s/%s", from, e->d_name), *b = bg_asprintf("%s/%s", to, e->d_name);

			rc = a && b ? link_loose_dir(a, b, n, why, size) : -1;
			free(a);
			free(b);
		}
	}
	if (d) {
		closedir(d);
	}
	if (rc == 0 && n->packs + n->loose == 0) {
		snprintf(why, size, "%s holds no objects", from);
		rc = -1;
	}
	free(from_pack);
	free(to_pack);
	return rc;
}

/* Removes whatever the seed put in the cache's objects (it was empty):
 * the packs and every loose object, with their fan-out directories. */
static void unlink_objects(const char *objects)
{
	DIR *d = opendir(objects);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (is_hex(e->d_name, 2) || strcmp(e->d_name, "pack") == 0) {
			char *path = bg_asprintf("%s/%s", objects, e->d_name);

			if (path) {
				bg_rm_rf(path);
				if (strcmp(e->d_name, "pack") == 0) {
					mkdir(path, 0755);
				}
			}
			free(path);
		}
	}
	if (d) {
		closedir(d);
	}
}

/* Reads an object back, its hash checked (libgit2's strict verification,
 * on by default): a corrupt or missing one fails. */
static int read_verified(git_odb *odb, const git_oid *oid)
{
	git_odb_object *obj = NULL;
	int rc = git_odb_read(&obj, odb, oid);

	git_odb_object_free(obj);
	return rc;
}

static int read_entry(const char *root, const git_tree_entry *entry, void *odb)
{
	(void) root;
	/* trees are read by the walk itself; a submodule's commit is not here */
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		return 0;
	}
	return read_verified(odb, git_tree_entry_id(entry)) < 0 ? -1 : 0;
}

/* Whether the cache reads back head and its whole tree, and has its
 * branch pointed at head for the first fetch to offer. */
static int verify_seed(const bg_options *opt, const char *cache, const git_oid *head, char *why,
	size_t size)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	char *refname = bg_asprintf("refs/heads/%s", opt->branch);
	char sha[GIT_OID_HEXSZ + 1];
	int rc = -1;

	git_oid_tostr(sha, sizeof(sha), head);
	if (!refname || git_repository_open_bare(&repo, cache) < 0 || git_repository_odb(&odb, repo) < 0) {
		snprintf(why, size, "cannot open the cache %s", cache);
	} else if (read_verified(odb, head) < 0 || git_commit_lookup(&commit, repo, head) < 0
		|| git_commit_tree(&tree, commit) < 0 || git_tree_walk(tree, GIT_TREEWALK_PRE, read_entry, odb) < 0) {
		const git_error *e = git_error_last();

		snprintf(why, size, "root's HEAD %s or its tree does not read back: %s", sha,
			e && e->message ? e->message : "an object is missing");
	} else if (git_reference_create(&ref, repo, refname, head, 1, "bluegreen: seeded from root") < 0) {
		snprintf(why, size, "cannot point %s at %s", refname, sha);
	} else {
		rc = 0;
	}
	git_error_clear();
	git_reference_free(ref);
	git_tree_free(tree);
	git_commit_free(commit);
	git_odb_free(odb);
	git_repository_free(repo);
	free(refname);
	return rc;
}

/* root's HEAD and its objects directory. */
static int root_objects(const bg_options *opt, git_oid *head, char **dir, char *why, size_t size)
{
	git_repository *root = NULL;
	int rc = -1;

	if (git_repository_open(&root, opt->root) < 0 || git_reference_name_to_id(head, root, "HEAD") < 0) {
		snprintf(why, size, "cannot read the HEAD of %s", opt->root);
	} else if (!(*dir = bg_asprintf("%sobjects", git_repository_commondir(root)))) {
		snprintf(why, size, "out of memory");
	} else {
		rc = 0;
	}
	git_error_clear();
	git_repository_free(root);
	return rc;
}

int bg_git_seed_from_root(const bg_options *opt, const char *cache, const bg_logger *log)
{
	char why[768] = "", short_sha[BG_SHORT_SHA_LEN + 1], took[32];
	char *from = NULL, *to = bg_asprintf("%s/objects", cache);
	double t0 = bg_now_ms();
	seed_count n = { 0, 0 };
	git_oid head;
	int ok = 0;

	if (!to) {
		snprintf(why, sizeof(why), "out of memory");
	} else if (root_objects(opt, &head, &from, why, sizeof(why)) == 0
		&& link_objects(from, to, &n, why, sizeof(why)) == 0
		&& verify_seed(opt, cache, &head, why, sizeof(why)) == 0) {
		ok = 1;
	}
	if (!ok) {
		if (to) {
			unlink_objects(to);
		}
		bg_log(log, BG_LOG_WARNING, SEED_IGNORED, why);
	} else {
		bg_git_short(&head, short_sha);
		bg_format_duration(took, sizeof(took), bg_now_ms() - t0);
		bg_log(log, BG_LOG_DEBUG, "cache: seeded from root's objects (%d packs, %d loose), hardlinked; "
			"its HEAD %s and tree verified (%s)", n.packs, n.loose, short_sha, took);
	}
	free(from);
	free(to);
	return ok;
}
