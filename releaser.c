/* BlueGreen\Releaser: the object, its lifecycle, and its methods' glue. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "php_bluegreen.h"

static zend_object_handlers releaser_handlers;

static zend_object *releaser_create(zend_class_entry *ce)
{
	php_bluegreen_releaser *r = zend_object_alloc(sizeof(php_bluegreen_releaser), ce);

	bg_releaser_init(&r->core);
	r->constructed = false;
	ZVAL_UNDEF(&r->log_callable);

	zend_object_std_init(&r->std, ce);
	object_properties_init(&r->std, ce);
	r->std.handlers = &releaser_handlers;
	return &r->std;
}

static void releaser_free(zend_object *obj)
{
	php_bluegreen_releaser *r = php_bluegreen_releaser_from_obj(obj);

	bg_releaser_free(&r->core);
	zval_ptr_dtor(&r->log_callable);
	ZVAL_UNDEF(&r->log_callable);
	zend_object_std_dtor(obj);
}

/* The log callable may hold the releaser itself (a closure using $this):
 * show it to the cycle collector. */
static HashTable *releaser_get_gc(zend_object *obj, zval **table, int *n)
{
	php_bluegreen_releaser *r = php_bluegreen_releaser_from_obj(obj);

	if (Z_TYPE(r->log_callable) != IS_UNDEF) {
		*table = &r->log_callable;
		*n = 1;
	} else {
		*table = NULL;
		*n = 0;
	}
	return zend_std_get_properties(obj);
}

/* var_dump($releaser) shows the options as they were resolved, defaults
 * included, so that an operator sees what the releaser will do. */
static HashTable *releaser_get_debug_info(zend_object *obj, int *is_temp)
{
	php_bluegreen_releaser *r = php_bluegreen_releaser_from_obj(obj);
	zval info;

	*is_temp = 1;
	array_init(&info);
	if (r->constructed) {
		php_bluegreen_options_dump(r, &info);
	}
	return Z_ARRVAL(info);
}

ZEND_METHOD(BlueGreen_Releaser, __construct)
{
	HashTable *options;
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (r->constructed) {
		zend_throw_error(NULL, "Cannot call BlueGreen\\Releaser::__construct() twice");
		RETURN_THROWS();
	}
	if (php_bluegreen_options_read(r, options) == FAILURE) {
		RETURN_THROWS();
	}
	php_bluegreen_logger_init(r);
	r->constructed = true;
}

ZEND_METHOD(BlueGreen_Releaser, check)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	char sha[41];
	int changed;
	bg_error err;

	ZEND_PARSE_PARAMETERS_NONE();

	bg_error_clear(&err);
	if (bg_releaser_check(&r->core, sha, &changed, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	if (!changed) {
		RETURN_NULL();
	}
	RETURN_STRING(sha);
}

ZEND_METHOD(BlueGreen_Releaser, prepare)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	char *commit;
	size_t len;
	bg_release release;
	bg_error err;

	/* PATH: a NUL byte could not cut the sha short unseen. */
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_PATH(commit, len)
	ZEND_PARSE_PARAMETERS_END();

	bg_error_clear(&err);
	if (bg_releaser_prepare(&r->core, commit, &release, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	php_bluegreen_release_new(return_value, &release);
	bg_release_free(&release);
}

/* A port argument must be one of the pair. */
static bool check_port_arg(const bg_options *opt, uint32_t arg, zend_long port)
{
	if (port != opt->ports[0] && port != opt->ports[1]) {
		zend_argument_value_error(arg, "must be one of the ports %d and %d (option \"ports\"), " ZEND_LONG_FMT " given",
			opt->ports[0], opt->ports[1], port);
		return false;
	}
	return true;
}

ZEND_METHOD(BlueGreen_Releaser, ports)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	bg_ports ports;
	bg_error err;
	zval listening;
	int i;

	ZEND_PARSE_PARAMETERS_NONE();

	bg_error_clear(&err);
	if (bg_releaser_ports(&r->core, &ports, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	if (ports.active) {
		add_assoc_long(return_value, "active", ports.active);
	} else {
		add_assoc_null(return_value, "active");
	}
	add_assoc_long(return_value, "idle", ports.idle);
	array_init(&listening);
	for (i = 0; i < ports.n_listening; i++) {
		add_next_index_long(&listening, ports.listening[i]);
	}
	add_assoc_zval(return_value, "listening", &listening);
}

ZEND_METHOD(BlueGreen_Releaser, start)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	zend_object *release;
	zend_long port;
	bg_release rel;
	bg_error err;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_OBJ_OF_CLASS(release, bluegreen_ce_Release)
		Z_PARAM_LONG(port)
	ZEND_PARSE_PARAMETERS_END();

	if (!check_port_arg(&r->core.opt, 2, port) || php_bluegreen_release_read(release, &rel) == FAILURE) {
		RETURN_THROWS();
	}
	bg_error_clear(&err);
	if (bg_releaser_start(&r->core, &rel, (int) port, &err) < 0) {
		bg_release_free(&rel);
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	php_bluegreen_release_new(return_value, &rel);
	bg_release_free(&rel);
}

/* stop() and switchTo(): one port of the pair, one core call. */
static void call_with_port(INTERNAL_FUNCTION_PARAMETERS, int (*fn)(bg_releaser *, int, bg_error *))
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	zend_long port;
	bg_error err;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(port)
	ZEND_PARSE_PARAMETERS_END();

	if (!check_port_arg(&r->core.opt, 1, port)) {
		RETURN_THROWS();
	}
	bg_error_clear(&err);
	if (fn(&r->core, (int) port, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
}

ZEND_METHOD(BlueGreen_Releaser, stop)
{
	call_with_port(INTERNAL_FUNCTION_PARAM_PASSTHRU, bg_releaser_stop);
}

ZEND_METHOD(BlueGreen_Releaser, switchTo)
{
	call_with_port(INTERNAL_FUNCTION_PARAM_PASSTHRU, bg_releaser_switch);
}

void php_bluegreen_releaser_init(zend_class_entry *ce)
{
	ce->create_object = releaser_create;

	memcpy(&releaser_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	releaser_handlers.offset = XtOffsetOf(php_bluegreen_releaser, std);
	releaser_handlers.free_obj = releaser_free;
	releaser_handlers.get_gc = releaser_get_gc;
	releaser_handlers.get_debug_info = releaser_get_debug_info;
	/* A copy would share the lock, the state file and the live service. */
	releaser_handlers.clone_obj = NULL;
}
