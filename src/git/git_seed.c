/* A new cache seeded from root's packs, verified (git_seed.h). */
#include "git/git_seed.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/strv.h"
#include "git/git_util.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED_IGNORED "%s: root's objects not used as a seed (%s); the first fetch brings the whole history"
#define SEED_LABEL "cache"

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

/* Reads an object back and hashes it here, whatever libgit2's strict
 * verification is set to (a checkout turns it off, process-wide, while the
 * verification thread runs): a corrupt or missing one fails. */
static int read_verified(git_odb *odb, const git_oid *oid)
{
	git_odb_object *obj = NULL;
	git_oid got;
	int rc = git_odb_read(&obj, odb, oid);

	if (rc == 0 && (git_odb_hash(&got, git_odb_object_data(obj), git_odb_object_size(obj),
		git_odb_object_type(obj)) < 0 || !git_oid_equal(&got, oid))) {
		git_error_set_str(GIT_ERROR_ODB, "object hash mismatch");
		rc = -1;
	}
	git_odb_object_free(obj);
	return rc;
}

static int read_entry(const char *root, const git_tree_entry *entry, void *odb)
{
	git_object_t type = git_tree_entry_type(entry);

	(void) root;
	/* a submodule's commit is not here */
	if (type != GIT_OBJECT_BLOB && type != GIT_OBJECT_TREE) {
		return 0;
	}
	return read_verified(odb, git_tree_entry_id(entry)) < 0 ? -1 : 0;
}

/* Whether the cache reads back head and its whole tree (every tree and
 * blob hashed). */
static int verify_tree(const char *cache, const git_oid *head, char *why, size_t size)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	char sha[GIT_OID_HEXSZ + 1];
	int rc = -1;

	git_oid_tostr(sha, sizeof(sha), head);
	if (git_repository_open_bare(&repo, cache) < 0 || git_repository_odb(&odb, repo) < 0) {
		snprintf(why, size, "cannot open the cache %s", cache);
	} else if (read_verified(odb, head) < 0 || git_commit_lookup(&commit, repo, head) < 0
		|| read_verified(odb, git_commit_tree_id(commit)) < 0 || git_commit_tree(&tree, commit) < 0
		|| git_tree_walk(tree, GIT_TREEWALK_PRE, read_entry, odb) < 0) {
		const git_error *e = git_error_last();

		snprintf(why, size, "root's HEAD %s or its tree does not read back: %s", sha,
			e && e->message ? e->message : "an object is missing");
	} else {
		rc = 0;
	}
	git_error_clear();
	git_tree_free(tree);
	git_commit_free(commit);
	git_odb_free(odb);
	git_repository_free(repo);
	return rc;
}

/* Points the cache's branch at head, for the first fetch to offer. */
static int point_branch(const char *cache, const char *refname, const git_oid *head, char *why, size_t size)
{
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	int rc = -1;

	if (git_repository_open_bare(&repo, cache) < 0) {
		snprintf(why, size, "cannot open the cache %s", cache);
	} else if (git_reference_create(&ref, repo, refname, head, 1, "bluegreen: seeded from root") < 0) {
		snprintf(why, size, "cannot point %s at %s", refname, git_oid_tostr_s(head));
	} else {
		rc = 0;
	}
	git_error_clear();
	git_reference_free(ref);
	git_repository_free(repo);
	return rc;
}

/* The HEAD and the objects directory of the repository at source (root,
 * or a submodule's checkout in root). */
static int root_objects(const char *source, git_oid *head, char **dir, char *why, size_t size)
{
	git_repository *root = NULL;
	int rc = -1;

	if (git_repository_open(&root, source) < 0 || git_reference_name_to_id(head, root, "HEAD") < 0) {
		snprintf(why, size, "cannot read the HEAD of %s", source);
	} else if (!(*dir = bg_asprintf("%sobjects", git_repository_commondir(root)))) {
		snprintf(why, size, "out of memory");
	} else {
		rc = 0;
	}
	git_error_clear();
	git_repository_free(root);
	return rc;
}

struct bg_git_seed {
	char *cache, *objects, *refname, *label;
	git_oid head;
	seed_count n;
	double t0;
	pthread_t thread;
	int started, rc;
	char why[768];
};

static void *verify_thread(void *data)
{
	bg_git_seed *s = data;

	s->rc = verify_tree(s->cache, &s->head, s->why, sizeof(s->why));
	return NULL;
}

static void seed_free(bg_git_seed *s)
{
	free(s->refname);
	free(s->label);
	free(s->cache);
	free(s->objects);
	free(s);
}

/* Removes the branch a bad seed pointed at root's HEAD: the first fetch
 * must not offer objects the cache does not have. */
static void unset_branch(const char *cache, const char *refname)
{
	git_repository *repo = NULL;

	if (git_repository_open_bare(&repo, cache) == 0) {
		git_reference_remove(repo, refname);
	}
	git_error_clear();
	git_repository_free(repo);
}

/* The seed's outcome logged; the objects removed again when not verified. */
static int seed_end(bg_git_seed *s, int ok, const bg_logger *log)
{
	char short_sha[BG_SHORT_SHA_LEN + 1], took[32];

	if (!ok) {
		unset_branch(s->cache, s->refname);
		unlink_objects(s->objects);
		bg_log(log, BG_LOG_WARNING, SEED_IGNORED, s->label, s->why);
	} else {
		bg_git_short(&s->head, short_sha);
		bg_format_duration(took, sizeof(took), bg_now_ms() - s->t0);
		bg_log(log, BG_LOG_DEBUG, "%s: seeded from root's objects (%d packs, %d loose), hardlinked; "
			"its HEAD %s and tree verified (%s)", s->label, s->n.packs, s->n.loose, short_sha, took);
	}
	seed_free(s);
	return ok;
}

/* Hardlinks source's objects into the cache and points refname at its
 * HEAD; NULL when that fails (the objects removed again, logged under
 * label). */
static bg_git_seed *seed_link(const char *source, const char *refname, const char *label, const char *cache,
	const bg_logger *log)
{
	bg_git_seed *s = calloc(1, sizeof(*s));
	char *from = NULL;

	if (!s || !(s->cache = strdup(cache)) || !(s->objects = bg_asprintf("%s/objects", cache))
		|| !(s->refname = strdup(refname)) || !(s->label = strdup(label))) {
		if (s) {
			seed_free(s);
		}
		bg_log(log, BG_LOG_WARNING, SEED_IGNORED, label, "out of memory");
		return NULL;
	}
	s->t0 = bg_now_ms();
	if (root_objects(source, &s->head, &from, s->why, sizeof(s->why)) < 0
		|| link_objects(from, s->objects, &s->n, s->why, sizeof(s->why)) < 0
		|| point_branch(cache, s->refname, &s->head, s->why, sizeof(s->why)) < 0) {
		free(from);
		seed_end(s, 0, log);
		return NULL;
	}
	free(from);
	return s;
}

/* The branch a new cache of root's remote fetches, seeded at root's HEAD. */
static char *branch_ref(const bg_options *opt, const bg_logger *log)
{
	char *refname = bg_asprintf("refs/heads/%s", opt->branch);

	if (!refname) {
		bg_log(log, BG_LOG_WARNING, SEED_IGNORED, SEED_LABEL, "out of memory");
	}
	return refname;
}

int bg_git_seed_from_root(const bg_options *opt, const char *cache, const bg_logger *log)
{
	char *refname = branch_ref(opt, log);
	int ok = refname ? bg_git_seed_from(opt->root, refname, SEED_LABEL, cache, log) : 0;

	free(refname);
	return ok;
}

int bg_git_seed_from(const char *source, const char *refname, const char *label, const char *cache,
	const bg_logger *log)
{
	bg_git_seed *s = seed_link(source, refname, label, cache, log);
	int ok;

	if (!s) {
		return 0;
	}
	/* verify_tree() hashes every object itself: libgit2's own hashing off
	 * meanwhile, so each is hashed once (a seed's thread running beside,
	 * the release's, hashes for itself too) */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	ok = verify_tree(cache, &s->head, s->why, sizeof(s->why)) == 0;
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	return seed_end(s, ok, log);
}

bg_git_seed *bg_git_seed_start(const bg_options *opt, const char *cache, const bg_logger *log)
{
	char *refname = branch_ref(opt, log);
	bg_git_seed *s = refname ? seed_link(opt->root, refname, SEED_LABEL, cache, log) : NULL;

	free(refname);
	if (s && pthread_create(&s->thread, NULL, verify_thread, s) == 0) {
		s->started = 1;
	} else if (s) {
		s->rc = verify_tree(cache, &s->head, s->why, sizeof(s->why));  /* no thread: verified now */
	}
	return s;
}

int bg_git_seed_finish(bg_git_seed *seed, const bg_logger *log)
{
	if (seed->started) {
		pthread_join(seed->thread, NULL);
	}
	return seed_end(seed, seed->rc == 0, log);
}
