/* bluegreen: module entry, class registration, phpinfo() and error mapping. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"
#include "ext/spl/spl_exceptions.h"
#include "zend_exceptions.h"
#include "php_bluegreen.h"
#include "bluegreen_arginfo.h"


zend_class_entry *bluegreen_ce_Releaser;
zend_class_entry *bluegreen_ce_Release;
zend_class_entry *bluegreen_ce_Exception;
zend_class_entry *bluegreen_ce_ConfigException;
zend_class_entry *bluegreen_ce_GitException;
zend_class_entry *bluegreen_ce_BuildException;
zend_class_entry *bluegreen_ce_StartException;
zend_class_entry *bluegreen_ce_NginxException;
zend_class_entry *bluegreen_ce_LockException;

void php_bluegreen_throw(const bg_error *err)
{
	zend_class_entry *ce;

	switch (err->code) {
	case BG_ERR_VALUE:
		zend_value_error("%s", err->msg);
		return;
	case BG_ERR_CONFIG: ce = bluegreen_ce_ConfigException; break;
	case BG_ERR_GIT: ce = bluegreen_ce_GitException; break;
	case BG_ERR_BUILD: ce = bluegreen_ce_BuildException; break;
	case BG_ERR_START: ce = bluegreen_ce_StartException; break;
	case BG_ERR_NGINX: ce = bluegreen_ce_NginxException; break;
	case BG_ERR_LOCK: ce = bluegreen_ce_LockException; break;
	default: ce = bluegreen_ce_Exception; break;
	}
	zend_throw_exception(ce, err->msg, err->sys_errno);
}

/* Release is a plain value object; only the extension creates one. */
ZEND_METHOD(BlueGreen_Release, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}

PHP_MINIT_FUNCTION(bluegreen)
{
	bluegreen_ce_Exception = register_class_BlueGreen_Exception(spl_ce_RuntimeException);
	bluegreen_ce_ConfigException = register_class_BlueGreen_ConfigException(bluegreen_ce_Exception);
	bluegreen_ce_GitException = register_class_BlueGreen_GitException(bluegreen_ce_Exception);
	bluegreen_ce_BuildException = register_class_BlueGreen_BuildException(bluegreen_ce_Exception);
	bluegreen_ce_StartException = register_class_BlueGreen_StartException(bluegreen_ce_Exception);
	bluegreen_ce_NginxException = register_class_BlueGreen_NginxException(bluegreen_ce_Exception);
	bluegreen_ce_LockException = register_class_BlueGreen_LockException(bluegreen_ce_Exception);

	bluegreen_ce_Release = register_class_BlueGreen_Release();
	bluegreen_ce_Releaser = register_class_BlueGreen_Releaser();
	php_bluegreen_releaser_init(bluegreen_ce_Releaser);

	bg_releaser_global_init();
	return SUCCESS;
}

PHP_MSHUTDOWN_FUNCTION(bluegreen)
{
	bg_releaser_global_shutdown();
	return SUCCESS;
}

PHP_MINFO_FUNCTION(bluegreen)
{
	bg_releaser_library lib;

	bg_releaser_library_info(&lib);

	php_info_print_table_start();
	php_info_print_table_row(2, "bluegreen support", "enabled");
	php_info_print_table_row(2, "bluegreen version", PHP_BLUEGREEN_VERSION);
	php_info_print_table_row(2, "libgit2 version", lib.version);
	php_info_print_table_row(2, "libgit2 HTTPS", lib.https ? "yes" : "no");
	php_info_print_table_row(2, "libgit2 SSH", lib.ssh ? "yes" : "no");
	php_info_print_table_row(2, "libgit2 threads", lib.threads ? "yes" : "no");
	php_info_print_table_end();
}

zend_module_entry bluegreen_module_entry = {
	STANDARD_MODULE_HEADER,
	"bluegreen",
	NULL,
	PHP_MINIT(bluegreen),
	PHP_MSHUTDOWN(bluegreen),
	NULL,
	NULL,
	PHP_MINFO(bluegreen),
	PHP_BLUEGREEN_VERSION,
	STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_BLUEGREEN
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(bluegreen)
#endif
