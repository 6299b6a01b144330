/* bluegreen core: what nginx.c shares with nginx_switch.c. */
#ifndef BG_NGINX_INTERNAL_H
#define BG_NGINX_INTERNAL_H

#include "base/error.h"
#include "base/options.h"

/* The first argument of a main-context directive of the main config as a
 * path (relative ones resolved as nginx does); NULL with err->code BG_OK
 * when the directive is absent. */
char *bg_nginx_main_path(const bg_options *opt, const char *directive, bg_error *err);

/* A path of the config: relative ones resolved against the prefix, as nginx
 * does (without `nginx.prefix`, the main config's directory); malloc'd. */
char *bg_nginx_prefixed(const bg_options *opt, const char *path);

#endif
