/* BlueGreen\Release: a read-only value the extension makes from a bg_release,
 * and reads back when a method takes one. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "php_bluegreen.h"

void php_bluegreen_release_new(zval *out, const bg_release *r)
{
	zend_object *obj;

	object_init_ex(out, bluegreen_ce_Release);
	obj = Z_OBJ_P(out);
	/* Internal updates may initialize readonly properties once. */
	zend_update_property_string(bluegreen_ce_Release, obj, "commit", sizeof("commit") - 1, r->commit);
	zend_update_property_string(bluegreen_ce_Release, obj, "path", sizeof("path") - 1, r->path ? r->path : "");
	if (r->port) {
		zend_update_property_long(bluegreen_ce_Release, obj, "port", sizeof("port") - 1, r->port);
	} else {
		zend_update_property_null(bluegreen_ce_Release, obj, "port", sizeof("port") - 1);
	}
	zend_update_property_long(bluegreen_ce_Release, obj, "createdAt", sizeof("createdAt") - 1, (zend_long) r->created_at);
}

static zval *release_prop(zend_object *obj, const char *name, size_t len, zval *rv)
{
	return zend_read_property(bluegreen_ce_Release, obj, name, len, 1, rv);
}

zend_result php_bluegreen_release_read(zend_object *obj, bg_release *r)
{
	zval rv[4], *commit, *path, *port, *created;

	commit = release_prop(obj, "commit", sizeof("commit") - 1, &rv[0]);
	path = release_prop(obj, "path", sizeof("path") - 1, &rv[1]);
	port = release_prop(obj, "port", sizeof("port") - 1, &rv[2]);
	created = release_prop(obj, "createdAt", sizeof("createdAt") - 1, &rv[3]);
	if (Z_TYPE_P(commit) != IS_STRING || Z_STRLEN_P(commit) != 40 || Z_TYPE_P(path) != IS_STRING
		|| Z_TYPE_P(created) != IS_LONG) {
		zend_throw_error(NULL, "BlueGreen\\Release object is not initialized");
		return FAILURE;
	}
	bg_release_init(r);
	memcpy(r->commit, Z_STRVAL_P(commit), 41);
	r->path = strdup(Z_STRVAL_P(path));
	r->port = Z_TYPE_P(port) == IS_LONG ? (int) Z_LVAL_P(port) : 0;
	r->created_at = Z_LVAL_P(created);
	return SUCCESS;
}
