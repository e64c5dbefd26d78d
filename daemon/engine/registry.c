/* The target registry, filled from targets.def. */
#include <string.h>

#include "ulvm/target.h"

#define TARGET(cname, tname) extern const struct target_type cname##_target;
#include "targets/targets.def"
#undef TARGET

static const struct target_type *const registry[] = {
#define TARGET(cname, tname) &cname##_target,
#include "targets/targets.def"
#undef TARGET
};

const struct target_type *target_type_find(const char *name)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	}
	return NULL;
}

void target_types_foreach(void (*fn)(const struct target_type *type, void *data), void *data)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		fn(registry[i], data);
}
