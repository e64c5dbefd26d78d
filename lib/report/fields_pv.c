/* PV label, PV and VG fields (LVM2's columns.h LABEL, PVS and VGS rows):
 * names, headings, minimum widths and values. */
#include <string.h>

#include "report/report_int.h"

#define O (c->obj)

/* An orphan PV has no VG: VG fields show zeros and blanks, as LVM2's
 * "#orphans" pseudo VG does. */
static const struct vg *vg_of(const struct field_ctx *c)
{
	return rep_pv_is_orphan(O) && O->pv ? NULL : O->vg;
}

/* --- label --- */
static void f_pv_fmt(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, "lvm2");
}
static void f_pv_uuid(const struct field_ctx *c, struct cell *v)
{
	cell_uuid(c, v, O->pv->id);
}
static void f_dev_size(const struct field_ctx *c, struct cell *v)
{
	struct report_pv_dev d = {.dev_size = O->pv->label.dev_size / 512, .major = -1};

	if (c->o->pv_dev)
		c->o->pv_dev(O->pv, &d, c->o->baton);
	if (!d.dev_size)
		d.dev_size = O->pv->dev_size;
	cell_size(c, v, d.dev_size);
}
static void f_pv_name(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, rep_pv_name(O));
}
static void pv_majmin(const struct field_ctx *c, struct cell *v, bool minor)
{
	struct report_pv_dev d = {.major = -1, .minor = -1};

	if (c->o->pv_dev)
		c->o->pv_dev(O->pv, &d, c->o->baton);
	cell_snum(c, v, minor ? d.minor : d.major);
}
static void f_pv_major(const struct field_ctx *c, struct cell *v)
{
	pv_majmin(c, v, false);
}
static void f_pv_minor(const struct field_ctx *c, struct cell *v)
{
	pv_majmin(c, v, true);
}
/* Free sectors of one area as LVM2 counts them: half the buffer (a new
 * copy must fit beside the old one) less a sector, less the current copy. */
uint64_t rep_mda_free_sectors(const struct pv *pv, unsigned i)
{
	const struct mda_header *h = &pv->mdas[i];
	/* An orphan's headers may not have been read: the label has the size. */
	uint64_t size = h->size ? h->size : pv->label.mdas[i].size;
	uint64_t max = size < 2048 ? 0 : (size - 512) / 2 - 512;

	return h->slot[0].size >= max ? 0 : (max - h->slot[0].size) >> 9;
}
static void pv_mda_stats(const struct pv *pv, uint64_t *min_size, uint64_t *min_free,
			 unsigned *count)
{
	*min_size = *min_free = 0;
	*count = pv->label.n_mdas;
	for (unsigned i = 0; i < pv->label.n_mdas; i++) {
		uint64_t sz = pv->label.mdas[i].size >> 9, fr = rep_mda_free_sectors(pv, i);
		if (!i || sz < *min_size)
			*min_size = sz;
		if (!i || fr < *min_free)
			*min_free = fr;
	}
}
static void f_pv_mda_free(const struct field_ctx *c, struct cell *v)
{
	uint64_t sz, fr;
	unsigned n;

	pv_mda_stats(O->pv, &sz, &fr, &n);
	cell_size(c, v, fr);
}
static void f_pv_mda_size(const struct field_ctx *c, struct cell *v)
{
	uint64_t sz, fr;
	unsigned n;

	pv_mda_stats(O->pv, &sz, &fr, &n);
	cell_size(c, v, sz);
}
static void f_pv_ext_vsn(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, O->pv->label.has_ext ? O->pv->label.ext_version : 0);
}

/* --- PV --- */
static uint32_t pv_alloc(const struct field_ctx *c)
{
	const struct vg *vg = vg_of(c);

	return vg ? O->pv->pe_count - pv_free_extents(vg, O->pv) : 0;
}
static uint64_t extent(const struct field_ctx *c)
{
	const struct vg *vg = vg_of(c);

	return vg ? vg->extent_size : 0;
}
static void f_pe_start(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, O->pv->pe_start);
}
/* An orphan's size is its whole device's, as the label records it. */
static uint64_t pv_size(const struct field_ctx *c)
{
	if (vg_of(c))
		return O->pv->pe_count * extent(c);
	return O->pv->label.dev_size ? O->pv->label.dev_size / 512 : O->pv->dev_size;
}
static void f_pv_size(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, pv_size(c));
}
static void f_pv_free(const struct field_ctx *c, struct cell *v)
{
	const struct vg *vg = vg_of(c);

	cell_size(c, v, vg ? pv_free_extents(vg, O->pv) * extent(c) : pv_size(c));
}
static void f_pv_used(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, pv_alloc(c) * extent(c));
}
static void f_pv_attr(const struct field_ctx *c, struct cell *v)
{
	const struct pv *pv = O->pv;
	bool in_vg = vg_of(c) != NULL;
	char s[4] = {in_vg && (pv->status & PV_ALLOCATABLE) ? 'a'
		     : in_vg				    ? 'u'
							    : '-',
		     pv->status & PV_EXPORTED ? 'x' : '-', pv->status & PV_MISSING ? 'm' : '-', 0};

	cell_str(c, v, s);
}
static void f_pv_allocatable(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, vg_of(c) && (O->pv->status & PV_ALLOCATABLE), "allocatable");
}
static void f_pv_exported(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, O->pv->status & PV_EXPORTED, "exported");
}
static void f_pv_missing(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, O->pv->status & PV_MISSING, "missing");
}
static void f_pv_pe_count(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, vg_of(c) ? O->pv->pe_count : 0);
}
static void f_pv_pe_alloc(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, pv_alloc(c));
}
static void f_pv_tags(const struct field_ctx *c, struct cell *v)
{
	cell_tags(c, v, O->pv->tags);
}
static void f_pv_mda_count(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, O->pv->label.n_mdas);
}
static void f_pv_ba_start(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, O->pv->label.n_ba ? O->pv->label.ba[0].offset / 512 : 0);
}
static void f_pv_ba_size(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, O->pv->label.n_ba ? O->pv->label.ba[0].size / 512 : 0);
}
static void f_pv_in_use(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, vg_of(c) != NULL, "used");
}
static void f_pv_duplicate(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "duplicate");
}
static void f_pv_device_id(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, O->pv->device_id ? O->pv->device_id : "");
}
static void f_pv_device_id_type(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, O->pv->device_id_type ? O->pv->device_id_type : "");
}

#define F(id, head, w, t, sec, fn, desc)                                                           \
	{                                                                                          \
		id, head, w, t, sec, fn, desc                                                      \
	}
/* --- PV segments --- */
static void f_pvseg_start(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, O->pvseg_start);
}
static void f_pvseg_size(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, O->pvseg_size);
}

const struct field_def report_fields_pv[] = {
    F("pv_fmt", "Fmt", 0, FT_STR, SEC_LABEL, f_pv_fmt, "Type of metadata."),
    F("pv_uuid", "PV UUID", 38, FT_STR, SEC_LABEL, f_pv_uuid, "Unique identifier."),
    F("dev_size", "DevSize", 0, FT_SIZ, SEC_LABEL, f_dev_size,
      "Size of underlying device in current units."),
    F("pv_name", "PV", 10, FT_STR, SEC_LABEL, f_pv_name, "Name."),
    F("pv_major", "Maj", 0, FT_STR, SEC_LABEL, f_pv_major, "Device major number."),
    F("pv_minor", "Min", 0, FT_STR, SEC_LABEL, f_pv_minor, "Device minor number."),
    F("pv_mda_free", "PMdaFree", 9, FT_SIZ, SEC_LABEL, f_pv_mda_free,
      "Free metadata area space on this device in current units."),
    F("pv_mda_size", "PMdaSize", 9, FT_SIZ, SEC_LABEL, f_pv_mda_size,
      "Size of smallest metadata area on this device in current units."),
    F("pv_ext_vsn", "PExtVsn", 0, FT_NUM, SEC_LABEL, f_pv_ext_vsn, "PV header extension version."),
    F("pe_start", "1st PE", 7, FT_NUM, SEC_PV, f_pe_start,
      "Offset to the start of data on the underlying device."),
    F("pv_size", "PSize", 0, FT_SIZ, SEC_PV, f_pv_size, "Size of PV in current units."),
    F("pv_free", "PFree", 0, FT_SIZ, SEC_PV, f_pv_free,
      "Total amount of unallocated space in current units."),
    F("pv_used", "Used", 0, FT_SIZ, SEC_PV, f_pv_used,
      "Total amount of allocated space in current units."),
    F("pv_attr", "Attr", 0, FT_STR, SEC_PV, f_pv_attr, "Various attributes - see man page."),
    F("pv_allocatable", "Allocatable", 0, FT_BIN, SEC_PV, f_pv_allocatable,
      "Set if this device can be used for allocation."),
    F("pv_exported", "Exported", 10, FT_BIN, SEC_PV, f_pv_exported,
      "Set if this device is exported."),
    F("pv_missing", "Missing", 10, FT_BIN, SEC_PV, f_pv_missing,
      "Set if this device is missing in system."),
    F("pv_pe_count", "PE", 3, FT_NUM, SEC_PV, f_pv_pe_count, "Total number of Physical Extents."),
    F("pv_pe_alloc_count", "Alloc", 0, FT_NUM, SEC_PV, f_pv_pe_alloc,
      "Total number of allocated Physical Extents."),
    F("pv_tags", "PV Tags", 0, FT_STRL, SEC_PV, f_pv_tags, "Tags, if any."),
    F("pv_mda_count", "#PMda", 0, FT_NUM, SEC_PV, f_pv_mda_count,
      "Number of metadata areas on this device."),
    F("pv_mda_used_count", "#PMdaUse", 0, FT_NUM, SEC_PV, f_pv_mda_count,
      "Number of metadata areas in use on this device."),
    F("pv_ba_start", "BA Start", 0, FT_SIZ, SEC_PV, f_pv_ba_start,
      "Offset to the start of PV Bootloader Area on the underlying device in current units."),
    F("pv_ba_size", "BA Size", 0, FT_SIZ, SEC_PV, f_pv_ba_size,
      "Size of PV Bootloader Area in current units."),
    F("pv_in_use", "PInUse", 0, FT_BIN, SEC_PV, f_pv_in_use, "Set if PV is used."),
    F("pv_duplicate", "Duplicate", 0, FT_BIN, SEC_PV, f_pv_duplicate,
      "Set if PV is an unchosen duplicate."),
    F("pv_device_id", "DeviceID", 0, FT_STR, SEC_PV, f_pv_device_id, "Device ID such as the WWID."),
    F("pv_device_id_type", "DeviceIDType", 0, FT_STR, SEC_PV, f_pv_device_id_type,
      "Type of device ID such as WWID."),
    F("pvseg_start", "Start", 0, FT_NUM, SEC_PVSEG, f_pvseg_start,
      "Physical Extent number of start of segment."),
    F("pvseg_size", "SSize", 0, FT_NUM, SEC_PVSEG, f_pvseg_size, "Number of extents in segment."),
};
const unsigned report_n_fields_pv = sizeof(report_fields_pv) / sizeof(report_fields_pv[0]);
