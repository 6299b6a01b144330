/* bluegreen core: the one way a libcurl handle is bounded, for the core's
 * HTTP requests (ls-refs on an http:// remote, etcd's JSON gateway). */
#ifndef BG_HTTP_H
#define BG_HTTP_H

#include <curl/curl.h>

/* Sets on c what every request of the core needs: plain http only; the
 * whole request, the name lookup and connect included, within timeout_ms;
 * no signals (libcurl's SIGALRM around a lookup would hit the process's own
 * handlers); and a quick exit, so that a name still resolving when the
 * timeout hits is left to end by itself instead of being waited for (the
 * threaded resolver's join lasts as long as the lookup). */
void bg_http_bound(CURL *c, long timeout_ms);

#endif
