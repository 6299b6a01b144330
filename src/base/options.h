/* The releaser's options, read once from the PHP array by the glue into this
 * struct and owned by the Releaser object. Strings and vectors are malloc'd;
 * bg_options_free() releases them. The glue checks types and shapes; the
 * checks that look at the file system live here (bg_options_check). */
#ifndef BG_OPTIONS_H
#define BG_OPTIONS_H

#include "base/error.h"
#include "base/netaddr.h"
#include "base/strv.h"   /* the vectors options are made of */

typedef struct {
	char *conf;       /* file holding the upstream block */
	char *upstream;   /* its name */
	char *binary;     /* nginx executable; default "nginx" found in PATH */
	char *prefix;     /* -p prefix, or NULL */
	char *main_conf;  /* file nginx runs with; default conf */
	char *pid;        /* pid file; NULL: the main config's `pid`, else /run/nginx.pid */
	char **reload;    /* argv, or NULL for SIGHUP to the master */
	char **test;      /* argv, or NULL for binary -t -q [-p prefix] -c main_conf */
} bg_nginx_options;

typedef struct {
	char *username;   /* for HTTPS and SSH */
	char *password;   /* for HTTPS */
	char *key;        /* SSH private key path; NULL: ssh-agent */
	char *pubkey;     /* SSH public key path; NULL: key + ".pub" if it exists */
	char *passphrase; /* for the SSH key */
	char *known_hosts;/* file checked for SSH host keys; NULL: ~/.ssh/known_hosts */
	int check_host;   /* verify the SSH host key (default on) */
} bg_git_options;

/* The hooks: argv lists run around the steps and after a deploy
 * (pipeline/pipeline_hooks.c). bg_hook_names[] spells them as the `hooks`
 * option's keys. */
typedef enum {
	BG_HOOK_BEFORE_PREPARE, BG_HOOK_AFTER_PREPARE,
	BG_HOOK_BEFORE_START, BG_HOOK_AFTER_START,
	BG_HOOK_BEFORE_SWITCH, BG_HOOK_AFTER_SWITCH,
	BG_HOOK_BEFORE_DRAIN, BG_HOOK_AFTER_DRAIN,
	BG_HOOK_BEFORE_STOP, BG_HOOK_AFTER_STOP,
	BG_HOOK_AFTER_DEPLOY, BG_HOOK_AFTER_ROLLBACK, BG_HOOK_ON_FAILURE,
	BG_HOOK_COUNT
} bg_hook;

extern const char *const bg_hook_names[BG_HOOK_COUNT + 1];   /* NULL-terminated */

/* fleet: a member of a fleet coordinated through a store (src/fleet/);
 * store NULL: not a member, nothing changes. */
typedef struct {
	char *store;          /* "redis://host:port/db" or "etcd://host:port" */
	char *name;           /* the fleet's name: its keys in the store */
	char *host;           /* this member's name; default gethostname() */
	long parallel;        /* hosts switching at once */
	double slot_ttl;      /* seconds a slot outlives its holder's last renewal */
	double timeout;       /* seconds for each call to the store */
	long canary_hosts;    /* canary.hosts: members that switch first; 0 none */
	double canary_soak;   /* canary.soak: seconds the others wait after them */
	int stay_on_halt;     /* on_halt 'stay': a member on a halted commit keeps it */
} bg_fleet_options;

/* After the switch, the new release on trial (src/pipeline/pipeline_watch.c). */
typedef struct {
	int on;                 /* the `watch` option was given */
	double seconds;         /* how long the old release is kept, not stopped */
	double max_error_ratio; /* 5xx answers and upstream errors / requests */
	long min_requests;      /* below that many requests the ratio does not judge */
	char *access_log;       /* nginx's log in the bluegreen format; NULL: health alone */
} bg_watch_options;

/* Before the switch, the new release takes a share of the traffic first. */
typedef struct {
	int on;                 /* the `canary` option was given */
	long weight;            /* the new release's share, in % (nginx weights: new, 100 - new) */
	double seconds;         /* how long, judged as the watch judges */
} bg_canary_options;

typedef struct {
	char *root;           /* checkout of the release live now */
	char *remote;         /* remote name or URL */
	char *branch;
	char *releases_dir;
	int ports[2];
	char *host;           /* as given: the Host header of a health check */
	bg_netaddr host_addr;       /* host parsed once (bg_options_set_host): */
	bg_netaddr_set host_addrs;  /* where probes connect, what sockets match */
	char **port_files;    /* default: the mode file, "<mode>.php" */
	char **shared;        /* relative paths; a trailing '/' means a directory */
	char ***build;        /* argv list; meaningful only when build_set */
	int build_set;        /* 0: composer install when composer.json exists */
	char **start;         /* NULL: detected from the release's EasySwoole version */
	char **stop;          /* NULL: SIGTERM to the owner of the port's socket */
	char *health_path;    /* NULL: TCP only */
	double health_timeout;      /* seconds: bounds the whole wait for health */
	long health_successes;      /* healthy answers in a row before the switch */
	double health_interval;     /* seconds between two probes of that run */
	bg_nginx_options nginx;
	bg_git_options git;
	bg_fleet_options fleet;
	bg_watch_options watch;
	bg_canary_options canary;
	double drain_timeout;       /* seconds */
	double stop_timeout;
	double command_timeout;
	double retry_backoff;       /* seconds before tick() retries a deploy the
	                             * environment failed (doubling, capped) */
	long keep_releases;
	char *log_file;       /* NULL: the glue's sink */
	int log_json;         /* log_format 'json': one JSON object per line */
	char *metrics_file;   /* Prometheus text file rewritten after each check
	                       * and deploy; NULL: none */
	char *trigger;        /* what history names deploy() and rollback() calls:
	                       * NULL for "deploy" / "rollback"; bin/bluegreen: "cli" */
	char *mode;           /* EasySwoole's run mode, naming <mode>.php; "dev" */
	int allow_shared_temp_dir;
	char *php_binary;     /* what `php` means in a default command */
	char ***hooks[BG_HOOK_COUNT]; /* argv lists per hook; NULL: none */
	char *switch_kind;    /* "reload" (nginx's upstream rewritten) or "socket" */
	char *live_socket;    /* socket switch: the symlink nginx's upstream names;
	                       * NULL until the core fills the layout's default */
	char *sockets[2];     /* socket switch: the unix socket of each port of the
	                       * pair (filled by the core from the layout) */
} bg_options;

/* Whether the switch is a rename(2) of the live socket's symlink (option
 * "switch" => "socket") rather than an nginx reload. */
int bg_options_socket_switch(const bg_options *opt);

/* The unix socket standing for `port` of the pair in socket mode; NULL for
 * any other port or in reload mode. */
const char *bg_options_socket(const bg_options *opt, int port);

/* An empty bg_options: every default is a row of the glue's options table
 * (options.c), applied as it reads the constructor's array. */
void bg_options_init(bg_options *opt);
void bg_options_free(bg_options *opt);

/* Checks the paths: root and releases_dir are directories, the nginx files
 * exist. Fails with BG_ERR_CONFIG naming the option and the path. */
int bg_options_check(const bg_options *opt, bg_error *err);

/* A path option made absolute against cwd (when relative) and normalized
 * ("//", "/./", "dir/.." collapsed; symlinks kept), malloc'd; NULL when out
 * of memory. */
char *bg_options_path(const char *cwd, const char *path);

/* Sets the `host` option and its addresses; -1, opt unchanged, when host is
 * neither an IP address nor "localhost". */
int bg_options_set_host(bg_options *opt, const char *host);

/* The other port of the pair, or 0 if port is not one of them. */
int bg_options_other_port(const bg_options *opt, int port);

#endif
