/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 665862de329bd123107b9b765d4d13ea995c6ca6 */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_BlueGreen_Releaser___construct, 0, 0, 1)
	ZEND_ARG_TYPE_INFO(0, options, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_check, 0, 0, IS_STRING, 1)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_BlueGreen_Releaser_prepare, 0, 1, BlueGreen\\Release, 0)
	ZEND_ARG_TYPE_INFO(0, commit, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_ports, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_BlueGreen_Releaser_start, 0, 2, BlueGreen\\Release, 0)
	ZEND_ARG_OBJ_INFO(0, release, BlueGreen\\Release, 0)
	ZEND_ARG_TYPE_INFO(0, port, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_stop, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, port, IS_LONG, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_BlueGreen_Releaser_switchTo arginfo_class_BlueGreen_Releaser_stop

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_BlueGreen_Releaser_deploy, 0, 0, BlueGreen\\Release, 1)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, commit, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_BlueGreen_Releaser_tick, 0, 0, BlueGreen\\Release, 1)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_BlueGreen_Releaser_rollback, 0, 0, BlueGreen\\Release, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_BlueGreen_Releaser_status arginfo_class_BlueGreen_Releaser_ports

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_history, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, limit, IS_LONG, 0, "20")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_run, 0, 0, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, interval, IS_LONG, 0, "30")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_wake, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_woken, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_BlueGreen_Releaser_fleetControl, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, command, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_BlueGreen_Release___construct, 0, 0, 0)
ZEND_END_ARG_INFO()


ZEND_METHOD(BlueGreen_Releaser, __construct);
ZEND_METHOD(BlueGreen_Releaser, check);
ZEND_METHOD(BlueGreen_Releaser, prepare);
ZEND_METHOD(BlueGreen_Releaser, ports);
ZEND_METHOD(BlueGreen_Releaser, start);
ZEND_METHOD(BlueGreen_Releaser, stop);
ZEND_METHOD(BlueGreen_Releaser, switchTo);
ZEND_METHOD(BlueGreen_Releaser, deploy);
ZEND_METHOD(BlueGreen_Releaser, tick);
ZEND_METHOD(BlueGreen_Releaser, rollback);
ZEND_METHOD(BlueGreen_Releaser, status);
ZEND_METHOD(BlueGreen_Releaser, history);
ZEND_METHOD(BlueGreen_Releaser, run);
ZEND_METHOD(BlueGreen_Releaser, wake);
ZEND_METHOD(BlueGreen_Releaser, woken);
ZEND_METHOD(BlueGreen_Releaser, fleetControl);
ZEND_METHOD(BlueGreen_Release, __construct);


static const zend_function_entry class_BlueGreen_Releaser_methods[] = {
	ZEND_ME(BlueGreen_Releaser, __construct, arginfo_class_BlueGreen_Releaser___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, check, arginfo_class_BlueGreen_Releaser_check, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, prepare, arginfo_class_BlueGreen_Releaser_prepare, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, ports, arginfo_class_BlueGreen_Releaser_ports, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, start, arginfo_class_BlueGreen_Releaser_start, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, stop, arginfo_class_BlueGreen_Releaser_stop, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, switchTo, arginfo_class_BlueGreen_Releaser_switchTo, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, deploy, arginfo_class_BlueGreen_Releaser_deploy, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, tick, arginfo_class_BlueGreen_Releaser_tick, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, rollback, arginfo_class_BlueGreen_Releaser_rollback, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, status, arginfo_class_BlueGreen_Releaser_status, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, history, arginfo_class_BlueGreen_Releaser_history, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, run, arginfo_class_BlueGreen_Releaser_run, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, wake, arginfo_class_BlueGreen_Releaser_wake, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, woken, arginfo_class_BlueGreen_Releaser_woken, ZEND_ACC_PUBLIC)
	ZEND_ME(BlueGreen_Releaser, fleetControl, arginfo_class_BlueGreen_Releaser_fleetControl, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_Release_methods[] = {
	ZEND_ME(BlueGreen_Release, __construct, arginfo_class_BlueGreen_Release___construct, ZEND_ACC_PRIVATE)
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_Exception_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_ConfigException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_GitException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_BuildException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_StartException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_NginxException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_BlueGreen_LockException_methods[] = {
	ZEND_FE_END
};

static zend_class_entry *register_class_BlueGreen_Releaser(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "Releaser", class_BlueGreen_Releaser_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_Release(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "Release", class_BlueGreen_Release_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	zval property_commit_default_value;
	ZVAL_UNDEF(&property_commit_default_value);
	zend_string *property_commit_name = zend_string_init("commit", sizeof("commit") - 1, 1);
	zend_declare_typed_property(class_entry, property_commit_name, &property_commit_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_commit_name);

	zval property_path_default_value;
	ZVAL_UNDEF(&property_path_default_value);
	zend_string *property_path_name = zend_string_init("path", sizeof("path") - 1, 1);
	zend_declare_typed_property(class_entry, property_path_name, &property_path_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_path_name);

	zval property_port_default_value;
	ZVAL_UNDEF(&property_port_default_value);
	zend_string *property_port_name = zend_string_init("port", sizeof("port") - 1, 1);
	zend_declare_typed_property(class_entry, property_port_name, &property_port_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG|MAY_BE_NULL));
	zend_string_release(property_port_name);

	zval property_createdAt_default_value;
	ZVAL_UNDEF(&property_createdAt_default_value);
	zend_string *property_createdAt_name = zend_string_init("createdAt", sizeof("createdAt") - 1, 1);
	zend_declare_typed_property(class_entry, property_createdAt_name, &property_createdAt_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_createdAt_name);

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_Exception(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "Exception", class_BlueGreen_Exception_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_ConfigException(zend_class_entry *class_entry_BlueGreen_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "ConfigException", class_BlueGreen_ConfigException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_BlueGreen_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_GitException(zend_class_entry *class_entry_BlueGreen_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "GitException", class_BlueGreen_GitException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_BlueGreen_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_BuildException(zend_class_entry *class_entry_BlueGreen_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "BuildException", class_BlueGreen_BuildException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_BlueGreen_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_StartException(zend_class_entry *class_entry_BlueGreen_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "StartException", class_BlueGreen_StartException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_BlueGreen_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_NginxException(zend_class_entry *class_entry_BlueGreen_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "NginxException", class_BlueGreen_NginxException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_BlueGreen_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_BlueGreen_LockException(zend_class_entry *class_entry_BlueGreen_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "BlueGreen", "LockException", class_BlueGreen_LockException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_BlueGreen_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}
