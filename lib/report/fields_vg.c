/* VG fields (LVM2's columns.h VGS rows). An orphan PV's row has no VG:
 * its VG fields are the blanks and zeros of LVM2's orphan pseudo VG. */
#include <string.h>

#include "report/report_int.h"

#define O (c->obj)

static const struct vg *vg_of(const struct field_ctx *c)
{
	return rep_pv_is_orphan(O) && O->pv ? NULL : O->vg;
}

static uint32_t extent_count(const struct vg *vg)
{
	uint32_t n = 0;

	for (const struct pv *pv = vg ? vg->pvs : NULL; pv; pv = pv->next)
		n += pv->pe_count;
	return n;
}

static void f_vg_fmt(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, "lvm2");
}
static void f_vg_uuid(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	if (vg)
		cell_uuid(c, v, vg->id);
	else
		cell_str(c, v, "");
}
static void f_vg_name(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg ? vg->name : "");
}
static char alloc_char(enum alloc_policy p)
{
	static const char chars[] = {
	    [ALLOC_INHERIT] = 'i',	 [ALLOC_CONTIGUOUS] = 'c', [ALLOC_CLING] = 'l',
	    [ALLOC_CLING_BY_TAGS] = 't', [ALLOC_NORMAL] = 'n',	   [ALLOC_ANYWHERE] = 'a',
	};
	return chars[p];
}
static unsigned missing_pvs(const struct vg *vg)
{
	unsigned n = 0;

	for (const struct pv *pv = vg ? vg->pvs : NULL; pv; pv = pv->next)
		n += !!(pv->status & PV_MISSING);
	return n;
}
static void f_vg_attr(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);
	char s[7] = "r-----";

	if (vg) {
		s[0] = vg->status & VG_WRITE ? 'w' : 'r';
		s[1] = vg->status & VG_RESIZEABLE ? 'z' : '-';
		s[2] = vg->status & VG_EXPORTED ? 'x' : '-';
		s[3] = missing_pvs(vg) ? 'p' : '-';
		s[4] = alloc_char(vg->alloc);
		s[5] = vg->status & VG_CLUSTERED ? 'c' : (vg->lock_type ? 's' : '-');
	}
	cell_str(c, v, s);
}
static void f_vg_permissions(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg && (vg->status & VG_WRITE) ? "writeable" : "read-only");
}
static void f_vg_extendable(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_bin(c, v, vg && (vg->status & VG_RESIZEABLE), "extendable");
}
static void f_vg_exported(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_bin(c, v, vg && (vg->status & VG_EXPORTED), "exported");
}
static void f_vg_autoactivation(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_bin(c, v, vg && !(vg->status & VG_NOAUTOACTIVATE), "enabled");
}
static void f_vg_partial(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, missing_pvs(vg_of(c)) > 0, "partial");
}
static void f_vg_alloc(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg ? alloc_policy_name(vg->alloc) : "unknown");
}
static void f_vg_clustered(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_bin(c, v, vg && (vg->status & VG_CLUSTERED), "clustered");
}
static void f_vg_shared(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_bin(c, v, vg && vg->lock_type, "shared");
}
static void f_vg_size(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_size(c, v, vg ? (uint64_t)extent_count(vg) * vg->extent_size : 0);
}
static void f_vg_free(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_size(c, v, vg ? (uint64_t)vg_free_extents(vg) * vg->extent_size : 0);
}
static void f_vg_systemid(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg && vg->system_id ? vg->system_id : "");
}
static void f_vg_lock_type(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg && vg->lock_type ? vg->lock_type : "");
}
static void f_vg_lock_args(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg && vg->lock_args ? vg->lock_args : "");
}
static void f_vg_extent_size(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_size(c, v, vg ? vg->extent_size : 0);
}
static void f_vg_extent_count(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, extent_count(vg_of(c)));
}
static void f_vg_free_count(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_num(c, v, vg ? vg_free_extents(vg) : 0);
}
static void f_max_lv(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_num(c, v, vg ? vg->max_lv : 0);
}
static void f_max_pv(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_num(c, v, vg ? vg->max_pv : 0);
}
static void f_pv_count(const struct field_ctx *c, struct cell *v)
{
	unsigned n = 0;

	for (const struct pv *pv = vg_of(c) ? vg_of(c)->pvs : NULL; pv; pv = pv->next)
		n++;
	cell_num(c, v, n);
}
static void f_vg_missing(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, missing_pvs(vg_of(c)));
}
static void f_lv_count(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, vg_of(c) ? rep_vg_lv_count(vg_of(c)) : 0);
}
static void f_snap_count(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, vg_of(c) ? rep_vg_snap_count(vg_of(c)) : 0);
}
static void f_vg_seqno(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, vg_of(c) ? vg_of(c)->seqno : 0);
}
static void f_vg_tags(const struct field_ctx *c, struct cell *v)
{
	cell_tags(c, v, vg_of(c) ? vg_of(c)->tags : NULL);
}
static void f_vg_profile(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_str(c, v, vg && vg->profile ? vg->profile : "");
}
/* Metadata areas of the VG: every PV's, smallest size and free space. */
static void vg_mdas(const struct vg *vg, unsigned *n, uint64_t *min_size, uint64_t *min_free)
{
	*n = 0;
	*min_size = *min_free = 0;
	for (const struct pv *pv = vg ? vg->pvs : NULL; pv; pv = pv->next)
		for (unsigned i = 0; i < pv->label.n_mdas; i++) {
			uint64_t fr = rep_mda_free_sectors(pv, i);
			uint64_t sz = pv->label.mdas[i].size >> 9;
			if (!*n || sz < *min_size)
				*min_size = sz;
			if (!*n || fr < *min_free)
				*min_free = fr;
			++*n;
		}
}
static void f_vg_mda_count(const struct field_ctx *c, struct cell *v)
{
	unsigned n;
	uint64_t sz, fr;

	vg_mdas(vg_of(c), &n, &sz, &fr);
	cell_num(c, v, n);
}
static void f_vg_mda_free(const struct field_ctx *c, struct cell *v)
{
	unsigned n;
	uint64_t sz, fr;

	vg_mdas(vg_of(c), &n, &sz, &fr);
	cell_size(c, v, fr);
}
static void f_vg_mda_size(const struct field_ctx *c, struct cell *v)
{
	unsigned n;
	uint64_t sz, fr;

	vg_mdas(vg_of(c), &n, &sz, &fr);
	cell_size(c, v, sz);
}
/* 0 means "unmanaged", LVM2's reserved name for that value. */
static void f_vg_mda_copies(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_num(c, v, vg ? vg->mda_copies : 0);
	if (!vg || !vg->mda_copies)
		v->str = "unmanaged";
}

#define F(id, head, w, t, fn, desc)                                                                \
	{                                                                                          \
		id, head, w, t, SEC_VG, fn, desc                                                   \
	}
const struct field_def report_fields_vg[] = {
    F("vg_fmt", "Fmt", 0, FT_STR, f_vg_fmt, "Type of metadata."),
    F("vg_uuid", "VG UUID", 38, FT_STR, f_vg_uuid, "Unique identifier."),
    F("vg_name", "VG", 0, FT_STR, f_vg_name, "Name."),
    F("vg_attr", "Attr", 5, FT_STR, f_vg_attr, "Various attributes - see man page."),
    F("vg_permissions", "VPerms", 10, FT_STR, f_vg_permissions, "VG permissions."),
    F("vg_extendable", "Extendable", 0, FT_BIN, f_vg_extendable, "Set if VG is extendable."),
    F("vg_exported", "Exported", 10, FT_BIN, f_vg_exported, "Set if VG is exported."),
    F("vg_autoactivation", "AutoAct", 0, FT_BIN, f_vg_autoactivation,
      "Set if VG autoactivation is enabled."),
    F("vg_partial", "Partial", 10, FT_BIN, f_vg_partial, "Set if VG is partial."),
    F("vg_allocation_policy", "AllocPol", 10, FT_STR, f_vg_alloc, "VG allocation policy."),
    F("vg_clustered", "Clustered", 10, FT_BIN, f_vg_clustered, "Set if VG is clustered."),
    F("vg_shared", "Shared", 7, FT_BIN, f_vg_shared, "Set if VG is shared."),
    F("vg_size", "VSize", 0, FT_SIZ, f_vg_size, "Total size of VG in current units."),
    F("vg_free", "VFree", 0, FT_SIZ, f_vg_free, "Total amount of free space in current units."),
    F("vg_sysid", "SYS ID", 0, FT_STR, f_vg_systemid,
      "System ID of the VG indicating which host owns it."),
    F("vg_systemid", "System ID", 0, FT_STR, f_vg_systemid,
      "System ID of the VG indicating which host owns it."),
    F("vg_lock_type", "LockType", 0, FT_STR, f_vg_lock_type,
      "Lock type of the VG used by lvmlockd."),
    F("vg_lock_args", "VLockArgs", 0, FT_STR, f_vg_lock_args,
      "Lock args of the VG used by lvmlockd."),
    F("vg_extent_size", "Ext", 0, FT_SIZ, f_vg_extent_size,
      "Size of Physical Extents in current units."),
    F("vg_extent_count", "#Ext", 0, FT_NUM, f_vg_extent_count, "Total number of Physical Extents."),
    F("vg_free_count", "Free", 0, FT_NUM, f_vg_free_count,
      "Total number of unallocated Physical Extents."),
    F("max_lv", "MaxLV", 0, FT_NUM, f_max_lv,
      "Maximum number of LVs allowed in VG or 0 if unlimited."),
    F("max_pv", "MaxPV", 0, FT_NUM, f_max_pv,
      "Maximum number of PVs allowed in VG or 0 if unlimited."),
    F("pv_count", "#PV", 0, FT_NUM, f_pv_count, "Number of PVs in VG."),
    F("vg_missing_pv_count", "#PV Missing", 0, FT_NUM, f_vg_missing,
      "Number of PVs in VG which are missing."),
    F("lv_count", "#LV", 0, FT_NUM, f_lv_count, "Number of LVs."),
    F("snap_count", "#SN", 0, FT_NUM, f_snap_count, "Number of snapshots."),
    F("vg_seqno", "Seq", 0, FT_NUM, f_vg_seqno,
      "Revision number of internal metadata.  Incremented whenever it changes."),
    F("vg_tags", "VG Tags", 0, FT_STRL, f_vg_tags, "Tags, if any."),
    F("vg_profile", "VProfile", 0, FT_STR, f_vg_profile,
      "Configuration profile attached to this VG."),
    F("vg_mda_count", "#VMda", 0, FT_NUM, f_vg_mda_count, "Number of metadata areas on this VG."),
    F("vg_mda_used_count", "#VMdaUse", 0, FT_NUM, f_vg_mda_count,
      "Number of metadata areas in use on this VG."),
    F("vg_mda_free", "VMdaFree", 9, FT_SIZ, f_vg_mda_free,
      "Free metadata area space for this VG in current units."),
    F("vg_mda_size", "VMdaSize", 9, FT_SIZ, f_vg_mda_size,
      "Size of smallest metadata area for this VG in current units."),
    F("vg_mda_copies", "#VMdaCps", 0, FT_NUM, f_vg_mda_copies,
      "Target number of in use metadata areas in the VG."),
};
const unsigned report_n_fields_vg = sizeof(report_fields_vg) / sizeof(report_fields_vg[0]);
